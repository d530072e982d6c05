"""API schemas of the knowledge base."""

import datetime as dt

from ninja import Field, Schema

MAX_ID = 2**31 - 1
VISIBILITY = "^(internal|public)$"
STATUS = "^(draft|published|archived)$"


class ArticleFilter(Schema):
    q: str = Field("", max_length=100)
    category: int | None = Field(None, ge=1, le=MAX_ID)
    visibility: str = Field("", pattern="^(|internal|public)$")
    status: str = Field("", pattern="^(|draft|published|archived)$")


class Paging(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class ArticleListOut(Schema):
    id: int
    title: str
    category_id: int | None
    category: str | None
    visibility: str
    status: str
    unit_id: int
    unit: str
    tags: list[str]
    version: int
    updated_at: dt.datetime


class ArticleOut(ArticleListOut):
    body: str
    created_at: dt.datetime


class ArticlePage(Schema):
    items: list[ArticleListOut]
    count: int


class ArticleIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=50_000)
    category_id: int | None = Field(None, ge=1, le=MAX_ID)
    unit_id: int | None = Field(None, ge=1, le=MAX_ID)
    visibility: str = Field("internal", pattern=VISIBILITY)
    status: str = Field("draft", pattern=STATUS)
    tags: list[str] = Field(default_factory=list, max_length=10)
    note: str = Field("", max_length=200)


class ArticlePatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, min_length=1, max_length=50_000)
    category_id: int | None = Field(None, ge=0, le=MAX_ID, description="0 clears the category")
    visibility: str | None = Field(None, pattern=VISIBILITY)
    status: str | None = Field(None, pattern=STATUS)
    tags: list[str] | None = Field(None, max_length=10)
    note: str = Field("", max_length=200)
    version: int | None = Field(
        None, ge=1, le=MAX_ID, description="The version you edited; 409 if it changed since"
    )


class VersionOut(Schema):
    number: int
    title: str
    body: str
    author: str | None
    note: str
    created_at: dt.datetime


class RestoreIn(Schema):
    version: int = Field(..., ge=1, le=MAX_ID)
    note: str = Field("", max_length=200)


class CategoryOut(Schema):
    id: int
    name: str
    parent_id: int | None
    order: int


class CategoryIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    parent_id: int | None = Field(None, ge=1, le=MAX_ID)
    order: int = Field(0, ge=0, le=100_000)


class PublicArticleOut(Schema):
    id: int
    title: str
    category: str | None
    body: str
    updated_at: dt.datetime


class PublicQuery(Schema):
    q: str = Field("", max_length=100)
    limit: int = Field(20, ge=1, le=50)
