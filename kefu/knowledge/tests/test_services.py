from __future__ import annotations

from typing import Any

import pytest

from kefu.core.errors import NotFound, PermissionDenied
from kefu.core.models import AuditEvent
from kefu.knowledge.choices import Visibility
from kefu.knowledge.errors import InvalidArticle, InvalidCategory, StaleArticle, VersionNotFound
from kefu.knowledge.models import Article, ArticleVersion, KnowledgeCategory
from kefu.knowledge.services import create_article, create_category, restore_version, update_article


def test_create_article_makes_version_one_and_index(make_article: Any, policy: Any) -> None:
    a = make_article("退货须知", "收到货物破损可申请退货。", category=policy, tags=["退货", "售后"])
    assert a.version == 1
    assert list(a.versions.values_list("number", "title")) == [(1, "退货须知")]
    assert " 破损 " in a.search_text
    assert " 售后 " in a.search_text
    assert (
        AuditEvent.objects.filter(action="knowledge.article_create", object_id=str(a.pk)).count()
        == 1
    )


def test_edit_makes_version_and_restore_brings_old_text_back(
    make_article: Any, editor: Any
) -> None:
    a = make_article("保修条款", "整机保修一年。")
    a = update_article(actor=editor, article=a, changes={"body": "整机保修两年。"}, note="延长")
    assert a.version == 2
    assert ArticleVersion.objects.get(article=a, number=2).note == "延长"
    a = restore_version(actor=editor, article=a, number=1)
    assert (a.version, a.body) == (3, "整机保修一年。")
    assert list(a.versions.values_list("number", flat=True)) == [3, 2, 1]
    assert " 一年 " in Article.objects.get(pk=a.pk).search_text


def test_metadata_edit_keeps_version_and_noop_changes_nothing(
    make_article: Any, editor: Any
) -> None:
    a = make_article()
    a = update_article(actor=editor, article=a, changes={"visibility": Visibility.PUBLIC})
    assert (a.version, a.visibility) == (1, "public")
    a = update_article(actor=editor, article=a, changes={"title": a.title})
    assert a.version == 1
    assert AuditEvent.objects.filter(action="knowledge.article_update").count() == 1


def test_stale_edit_is_refused_and_changes_nothing(make_article: Any, editor: Any) -> None:
    a = make_article()
    update_article(actor=editor, article=a, changes={"body": "新的内容"})
    with pytest.raises(StaleArticle):
        update_article(actor=editor, article=a, changes={"body": "旧页面"}, expected_version=1)
    assert Article.objects.get(pk=a.pk).body == "新的内容"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": " "}, InvalidArticle),
        ({"body": ""}, InvalidArticle),
        ({"visibility": "secret"}, InvalidArticle),
        ({"status": "gone"}, InvalidArticle),
        ({"tags": ["x"] * 11 + [str(i) for i in range(11)]}, InvalidArticle),
        ({"unit": 1}, InvalidArticle),
    ],
)
def test_bad_edits_are_refused(make_article: Any, editor: Any, changes: Any, error: Any) -> None:
    a = make_article()
    with pytest.raises(error):
        update_article(actor=editor, article=a, changes=changes)
    assert Article.objects.get(pk=a.pk).version == 1


def test_agent_cannot_write(agent: Any, org: Any, make_article: Any) -> None:
    with pytest.raises(PermissionDenied):
        create_article(actor=agent, unit=org.east, title="t", body="b")
    a = make_article()
    with pytest.raises(PermissionDenied):
        update_article(actor=agent, article=a, changes={"body": "x"})
    with pytest.raises(PermissionDenied):
        restore_version(actor=agent, article=a, number=1)
    assert Article.objects.count() == 1
    assert ArticleVersion.objects.count() == 1


def test_region_editor_cannot_write_above_or_beside(
    south_editor: Any, org: Any, make_article: Any
) -> None:
    with pytest.raises(NotFound):
        create_article(actor=south_editor, unit=org.east, title="t", body="b")
    with pytest.raises(NotFound):
        create_article(actor=south_editor, unit=org.hq, title="t", body="b")
    own = create_article(
        actor=south_editor, unit=org.guangzhou, title="广州门店须知", body="营业时间"
    )
    assert own.unit == org.guangzhou
    with pytest.raises(PermissionDenied):
        update_article(actor=south_editor, article=make_article(), changes={"body": "x"})


def test_restore_unknown_version(make_article: Any, editor: Any) -> None:
    with pytest.raises(VersionNotFound):
        restore_version(actor=editor, article=make_article(), number=9)


def test_categories(editor: Any, agent: Any) -> None:
    root = create_category(actor=editor, name="售后")
    child = create_category(actor=editor, name="退换货", parent=root, order=2)
    assert child.parent == root
    with pytest.raises(InvalidCategory):
        create_category(actor=editor, name="售后")
    with pytest.raises(InvalidCategory):
        create_category(actor=editor, name="")
    with pytest.raises(PermissionDenied):
        create_category(actor=agent, name="新分类")
    assert KnowledgeCategory.objects.count() == 2


def test_status_is_validated_on_create(editor: Any, org: Any) -> None:
    with pytest.raises(InvalidArticle):
        create_article(actor=editor, unit=org.hq, title="t", body="b", status="live")


def test_huge_body_of_distinct_characters_is_stored_and_searchable(
    make_article: Any,
) -> None:
    import random

    rng = random.Random(7)
    body = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(49_000))
    a = make_article("超长文章破损", body)
    assert len(a.search_text) <= 120_002
    assert " 破损 " in Article.objects.get(pk=a.pk).search_text
