"""The search page (/search/?q=…): the navbar's box leads here. What is searched and how is
campaign.search; this module only reads the query and shows the results."""

import unicodedata

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from campaign import search
from campaign.listing import PAGE_SIZE
from config.http import require_safe
from units.access import Scope


class ComposedCharField(forms.CharField):
    """Text in NFC: a keyboard that types a letter and its marks apart (Unikey's "Unicode
    tổ hợp", some phones) sends "ắ" as three characters, which counted three times against
    the longest query and as one plain "a" against the shortest."""

    def to_python(self, value):
        return unicodedata.normalize("NFC", super().to_python(value))


class SearchForm(forms.Form):
    q = ComposedCharField(
        label=_("Search for"),
        max_length=search.MAX_LENGTH,
        required=False,
        error_messages={
            "max_length": _("Type at most %(limit_value)d characters; you typed %(show_value)d.")
        },
    )

    def clean_q(self):
        query = self.cleaned_data["q"]
        if not query:
            return query
        found = search.words(query)
        if len("".join(found)) < search.MIN_LENGTH:
            raise forms.ValidationError(
                _("Type at least %(count)d letters or digits of a name or a number."),
                params={"count": search.MIN_LENGTH},
                code="too_short",
            )
        if len(found) > search.MAX_WORDS:
            raise forms.ValidationError(
                _("Use at most %(count)d words."), params={"count": search.MAX_WORDS}
            )
        return query

    def words(self) -> list[str]:
        return search.words(self.cleaned_data["q"])


@require_safe
@login_required
def search_page(request):
    """The results by kind (the first few of each), or every result of one kind
    (`type=…`) page by page. An empty query shows what to type."""
    form = SearchForm(request.GET)
    # The title names what was searched for: nothing, for a query of spaces alone.
    context = {"form": form, "query": request.GET.get("q", "").strip()}
    if form.is_valid() and form.cleaned_data["q"]:
        scope = Scope.for_request(request)
        words = form.words()
        # One kind alone when asked (the "more results" link); an unknown kind shows all.
        kind = search.KINDS.get(request.GET.get("type", ""))
        if kind:
            page = Paginator(search.found(scope, kind, words), PAGE_SIZE).get_page(
                request.GET.get("page")
            )
            query = request.GET.copy()
            query.pop("page", None)
            context.update(kind=kind, page=page, page_query=query.urlencode())
        else:
            groups = search.search(scope, words)
            context.update(groups=groups, total=sum(group.count for group in groups))
    return render(request, "campaign/search.html", context)


urlpatterns = [
    path("search/", search_page, name="search"),
]
