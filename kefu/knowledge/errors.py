"""Domain errors of the knowledge base (stable codes)."""

from kefu.core.errors import Conflict, NotFound, ValidationFailed


class ArticleNotFound(NotFound):
    code = "article_not_found"
    default_message = "Article not found."


class VersionNotFound(NotFound):
    code = "article_version_not_found"
    default_message = "That version of the article does not exist."


class StaleArticle(Conflict):
    code = "article_stale"
    default_message = "Someone else changed the article; reload it and try again."


class InvalidArticle(ValidationFailed):
    code = "article_invalid"
    default_message = "The article is not valid."


class InvalidCategory(ValidationFailed):
    code = "category_invalid"
    default_message = "The category is not valid."
