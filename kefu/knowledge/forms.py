"""Forms of the knowledge base pages (the services do the real validation)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit
from kefu.knowledge.choices import ArticleStatus, Visibility
from kefu.knowledge.models import KnowledgeCategory
from kefu.knowledge.selectors import flat_tree


class CategoryChoiceField(forms.ModelChoiceField[KnowledgeCategory]):
    def label_from_instance(self, obj: KnowledgeCategory) -> str:
        return "　" * getattr(obj, "tree_depth", 0) + obj.name


def _tree_queryset_choices(field: CategoryChoiceField) -> None:
    nodes = flat_tree()
    field.queryset = KnowledgeCategory.objects.all()
    field.choices = [("", "—")] + [
        (node.category.pk, "　" * node.depth + node.category.name) for node in nodes
    ]


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Plain text. Lines starting with # are headings, - makes a list, **text** is bold."
        ),
    )
    category = CategoryChoiceField(
        label=_("Category"), queryset=KnowledgeCategory.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=ArticleStatus.choices, initial=ArticleStatus.DRAFT
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=400,
        help_text=_("Separate tags with commas."),
    )
    note = forms.CharField(label=_("Change note"), required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, units: Any = None, editing: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        _tree_queryset_choices(self.fields["category"])  # type: ignore[arg-type]
        if editing:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units if units is not None else OrgUnit.objects.none()  # type: ignore[attr-defined]


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    parent = CategoryChoiceField(
        label=_("Parent category"), queryset=KnowledgeCategory.objects.none(), required=False
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=100_000, initial=0)

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        _tree_queryset_choices(self.fields["parent"])  # type: ignore[arg-type]


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    category = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    visibility = forms.ChoiceField(required=False, choices=[("", ""), *Visibility.choices])
    status = forms.ChoiceField(required=False, choices=[("", ""), *ArticleStatus.choices])
