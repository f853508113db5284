"""Which of an agreement's texts a page shows (issue 23): one query for all of them."""

from dataclasses import dataclass

from django.conf import settings

from ..models import Agreement, AgreementText


@dataclass(frozen=True)
class TextShown:
    """Plain values of the text shown, so that a public page gets nothing else of the row."""

    language: str
    language_name: str
    title: str
    text: str
    is_authentic: bool
    source_url: str


@dataclass(frozen=True)
class AgreementTexts:
    shown: TextShown | None
    others: list[tuple[str, str]]  # (code, name) of the other languages it is available in


def agreement_texts(
    agreement: Agreement, *, wanted: str | None, reader: str, texts: list | None = None
) -> AgreementTexts:
    """The text in the `wanted` language (the page's `?lang=`), else the `reader`'s, else
    the original (`AgreementText.pick`); and the languages of the others, in the site's order.
    `texts`: the agreement's texts when read already (`agreement_lists`)."""
    if texts is None:
        # By language alone: the model's ordering, by agreement first, would join the
        # agreements to order the texts of one.
        texts = list(agreement.texts.order_by("language"))
    picked = AgreementText.pick(texts, wanted, reader)
    if picked is None:
        return AgreementTexts(None, [])
    names = dict(settings.LANGUAGES)
    have = {text.language for text in texts}
    shown = TextShown(
        language=picked.language,
        language_name=names.get(picked.language, picked.language),
        title=picked.title,
        text=picked.text,
        is_authentic=picked.is_authentic,
        source_url=picked.source_url,
    )
    others = [(code, name) for code, name in settings.LANGUAGES if code in have - {picked.language}]
    return AgreementTexts(shown, others)
