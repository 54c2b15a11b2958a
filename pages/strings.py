"""The portal's UI strings in en-US, fr-FR and zh-CN, and locale-proof name matchers.

Locators match an accessible name in any of the three languages (``any_language("edit")``
matches "Edit", "Modifier" or "编辑" exactly), so one page object serves every locale without
asking the page which language it speaks. The documented strings come from the localized
Partner Center docs; the rest (marked below) are the bundled portal's own wording.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

LOCALES = ("en-US", "fr-FR", "zh-CN")

UI_STRINGS: dict[str, tuple[str, str, str]] = {
    # Documented in the localized docs.
    "dashboard": ("Dashboard", "Tableau de bord", "仪表板"),
    "customers": ("Customers", "Clients", "客户"),
    "account": ("Account", "Compte", "帐户"),
    "edit": ("Edit", "Modifier", "编辑"),
    "update": ("Update", "Mettre à jour", "更新"),  # Edit's name in the newer global portal
    "submit": ("Submit", "Envoyer", "提交"),
    "cancel": ("Cancel", "Annuler", "取消"),
    "add_customer": ("Add customer", "Ajouter un client", "添加客户"),
    "update_title": (
        "Update customer account information",
        "Mettre à jour les informations de compte client",
        "更新客户帐户信息",
    ),
    "portal": (
        "Partner Center operated by 21Vianet",
        "Espace partenaires géré par 21Vianet",
        "由世纪互联运营的合作伙伴中心",
    ),
    # Field labels, keyed by the REST API's field names.
    "companyName": ("Company name", "Nom de la société", "公司名称"),
    "firstName": ("First name", "Prénom", "名字"),
    "lastName": ("Last name", "Nom", "姓氏"),
    "email": ("Email", "Adresse e-mail", "电子邮件"),
    "phoneNumber": ("Phone number", "Numéro de téléphone", "电话号码"),
    "addressLine1": ("Address line 1", "Adresse ligne 1", "地址行 1"),
    "addressLine2": ("Address line 2", "Adresse ligne 2", "地址行 2"),
    "city": ("City", "Ville", "城市"),
    "state": ("State/Province", "État/Province", "省/自治区/直辖市"),
    "postalCode": ("Postal code", "Code postal", "邮政编码"),
    "country": ("Country/Region", "Pays/Région", "国家/地区"),
    "culture": ("Culture", "Culture", "区域性"),
    "language": ("Language", "Langue", "语言"),
    # The Account page's sections and read-only terms, as Partner Center names them.
    "account_info": ("Customer Account Info", "Informations du compte client", "客户帐户信息"),
    "bill_to": ("Bill-to info", "Informations de facturation", "帐单寄送信息"),
    "microsoftId": ("Microsoft ID", "ID Microsoft", "Microsoft ID"),
    "domain": ("Domain", "Domaine", "域"),
    # The bundled portal's own wording (not in the docs).
    "domainPrefix": ("Domain name", "Nom de domaine", "域名"),
    "customer_menu": ("Customer menu", "Menu client", "客户菜单"),
    "sign_in": ("Sign in", "Se connecter", "登录"),
    "sign_out": ("Sign out", "Se déconnecter", "注销"),
    "next_page": ("Next", "Suivant", "下一页"),
    "previous_page": ("Previous", "Précédent", "上一页"),
    "no_customers": (
        "No customers match your search.",
        "Aucun client ne correspond à votre recherche.",
        "没有与搜索匹配的客户。",
    ),
    "error_title_400": ("Bad request", "Requête incorrecte", "错误的请求"),
    "error_title_403": ("Access denied", "Accès refusé", "拒绝访问"),
    "error_title_404": ("Page not found", "Page introuvable", "找不到页面"),
    "error_title_429": ("Too many requests", "Trop de requêtes", "请求过多"),
    "error_title_500": ("Something went wrong", "Une erreur s’est produite", "出现错误"),
    "search_label": (
        "Search by company name or domain",
        "Rechercher par nom de société ou domaine",
        "按公司名称或域名搜索",
    ),
}


# The identity provider's sign-in pages, as Microsoft Entra ID shows them (another site: its own table).
SIGN_IN_STRINGS: dict[str, tuple[str, str, str]] = {
    "sign_in": ("Sign in", "Se connecter", "登录"),
    "account_label": (
        "Enter your email, phone, or Skype.",
        "Entrez votre adresse e-mail, votre numéro de téléphone ou votre nom Skype.",
        "输入你的电子邮件、电话或 Skype。",
    ),
    "account_placeholder": ("Email, phone, or Skype", "E-mail, téléphone ou Skype", "电子邮件、电话或 Skype"),
    "next": ("Next", "Suivant", "下一步"),
    # Shown instead of the account step when the browser remembers accounts (or prompt=select_account).
    "pick_account": ("Pick an account", "Choisir un compte", "选择帐户"),
    "use_another_account": ("Use another account", "Utiliser un autre compte", "使用其他帐户"),
    "enter_password": ("Enter password", "Entrez le mot de passe", "输入密码"),
    "password": ("Password", "Mot de passe", "密码"),
    "enter_code": ("Enter code", "Entrez le code", "输入代码"),
    "code": ("Code", "Code", "代码"),
    "verify": ("Verify", "Vérifier", "验证"),
    "stay_signed_in": ("Stay signed in?", "Rester connecté ?", "保持登录状态?"),
    "dont_show_again": ("Don't show this again", "Ne plus afficher ce message", "不再显示此消息"),
    "yes": ("Yes", "Oui", "是"),
    "no": ("No", "Non", "否"),
    "mfa_registration": ("More information required", "Plus d’informations requises", "需要更多信息"),
    # Registration that may wait ("Skip for now (14 days until this is required)"), matched as the option's start.
    "skip_for_now": ("Skip for now", "Ignorer pour le moment", "暂时跳过"),
    # A push to approve in the Authenticator app, or a choice of method: with a TOTP secret, the library
    # leaves the push ("I can't use...", or the newer "Sign in another way") for "Use a verification code".
    "approve_request": ("Approve sign in request", "Approuver la demande de connexion", "批准登录请求"),
    "verify_identity": ("Verify your identity", "Vérifier votre identité", "验证你的身份"),
    "cant_use_authenticator": (
        "I can't use my Microsoft Authenticator app right now",
        "Je ne peux pas utiliser mon application Microsoft Authenticator pour le moment",
        "我目前无法使用我的 Microsoft Authenticator 应用",
    ),
    "sign_in_another_way": ("Sign in another way", "Se connecter d’une autre manière", "以其他方式登录"),
    # A phone sign-in (passwordless: the push is the whole sign-in, asked right after the account) gives way to the
    # password, then the code is asked as for anyone.
    "use_password_instead": ("Use your password instead", "Utiliser votre mot de passe à la place", "改为使用密码"),
    # Older pages go on: "Use a verification code from my mobile app"; matched as the option's start.
    "use_code": ("Use a verification code", "Utiliser un code de vérification", "使用验证码"),
    # Refusals found within the provider's longer message (Entra's smart lockout: "Your account is temporarily
    # locked to prevent unauthorized use. Try again later, ..."): no next code can answer them.
    "locked_out": (
        "Your account is temporarily locked",
        "Votre compte est temporairement verrouillé",
        "你的帐户已暂时锁定",
    ),
    "code_expired": ("That code has expired", "Ce code a expiré", "该代码已过期"),
    # Pages that end a sign-in no script may go on with: a password to change (expired, or set for a first sign-in),
    # access refused by a Conditional Access policy, an app an admin must consent to, an account locked by an admin.
    "update_password": ("Update your password", "Mettre à jour votre mot de passe", "更新密码"),
    "access_blocked": (
        "You cannot access this right now",
        "Vous ne pouvez pas y accéder pour l’instant",
        "你当前无法访问此项",
    ),
    "admin_approval": ("Need admin approval", "Approbation de l’administrateur nécessaire", "需要管理员批准"),
    # The app asks for permissions the user has not granted (a new app, new scopes): theirs or an admin's to accept.
    "consent": ("Permissions requested", "Autorisations demandées", "请求的权限"),
    "account_locked": ("Your account has been locked", "Votre compte a été verrouillé", "你的帐户已被锁定"),
}


def text(key: str, locale: str, table: dict[str, tuple[str, str, str]] = UI_STRINGS) -> str:
    """Return the string for ``key`` as the portal (or ``table``'s site) shows it in ``locale``."""
    return table[key][LOCALES.index(locale)]


# Other wordings of the same thing, matched as well (never shown by the bundled apps): a form's Save, the names
# pagers give their icon buttons, and those Entra ID's pages have had (in the infinitive, in another release).
VARIANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "portal": {
        "submit": (  # a form's button as other portals' forms name it
            "Save",
            "Enregistrer",
            "保存",
            "Save changes",
            "Save and close",
            "Enregistrer les modifications",
            "保存更改",
        ),
        # ... and as component libraries' pagers name their icon buttons (Material UI's, Element Plus's).
        "next_page": ("Next page", "Page suivante", "下页", "Go to next page", "Aller à la page suivante", "前往下一页"),
        "previous_page": (
            "Previous page", "Page précédente", "上页", "Go to previous page", "Aller à la page précédente", "前往上一页"
        ),
        # A section's heading holding its Edit link or button: its name then ends in the link's
        "bill_to": (
            "Bill-to info Edit",
            "Bill-to info (Edit)",
            "Informations de facturation Modifier",
            "Informations de facturation (Modifier)",
            "帐单寄送信息 编辑",
            "帐单寄送信息 (编辑)",
            "帐单寄送信息（编辑）",
        ),
    },
    "sign-in": {
        "enter_password": ("Entrer le mot de passe",),
        "enter_code": ("Entrer le code",),
        "stay_signed_in": ("是否保持登录状态?",),  # as Microsoft's Chinese docs quote it
        "use_password_instead": ("Utilisez votre mot de passe à la place",),  # imperative, in Microsoft's French docs
        # Registration asked for in the wizard's words, or by its first page's (the methods' own pages follow).
        "mfa_registration": (
            "Let's keep your account secure",
            "Keep your account secure",
            "Protégeons votre compte",
            "Protégez votre compte",
            "Sécuriser votre compte",
            "让我们确保你的帐户安全",
            "保护你的帐户安全",
        ),
        "admin_approval": ("Approval required", "Approbation requise", "需要审批"),
    },
}
# A question mark, as any of the three languages may write it: after a space (French), a no-break space,
# or none; half or full width (U+FF1F, as Chinese writes it).
QUESTION_MARK = re.compile(r"(?:\\ |[\u00a0\u202f])?\\\?")


@functools.cache
def any_language(key: str, site: str = "portal") -> re.Pattern[str]:
    """Return a pattern matching exactly the string for ``key`` in any supported locale (or a known variant).

    ``site`` is "portal" (``UI_STRINGS``) or "sign-in" (``SIGN_IN_STRINGS``, the identity provider's pages).
    """
    table = SIGN_IN_STRINGS if site == "sign-in" else UI_STRINGS
    # In any case: a deployment's "Bill-To Info" or "Customer account info" is the same heading to a person.
    return re.compile(rf"^\s*(?:{alternatives(table[key] + VARIANTS[site].get(key, ()))})\s*$", re.IGNORECASE)


# What a deployment may write otherwise than the table, unseen by a person: a space as a no-break one, a line
# break, or none (Chinese sets digits against its words: "地址行1"); a straight or typographic apostrophe; a
# slash spaced ("State / Province") or full width, as Chinese writes it; a no-break hyphen; full-width digits;
# a sentence's full stop, of either width, or none ("No customers match your search").
TYPOGRAPHY = re.compile(r"\\ |['’/]|\\-|[0-9]|(?:\\\.|。)$")
WRITTEN_AS = {
    "\\ ": r"\s*", "'": "['’]", "’": "['’]", "/": r"\s*[/／]\s*", "\\-": "[-‐‑]", "\\.": "[.。]?", "。": "[.。]?"
}  # fmt: skip


def written_as(escaped: str) -> str:
    """Return ``escaped`` (a string as ``re.escape`` writes it) matching it in any of the ways ``TYPOGRAPHY`` knows."""
    return TYPOGRAPHY.sub(lambda m: WRITTEN_AS.get(m[0]) or f"[{m[0]}{chr(ord(m[0]) + 0xFEE0)}]", escaped)


def alternatives(strings: tuple[str, ...]) -> str:
    """Return a pattern's alternatives for ``strings``, each escaped, each once; a question mark in any form, and
    spaces, apostrophes, slashes, hyphens and digits as ``TYPOGRAPHY`` says."""
    return "|".join(written_as(QUESTION_MARK.sub(r"\\s*[?？]", re.escape(s))) for s in dict.fromkeys(strings))


# An alert saying the role is refused ("Access denied: ...", "403"): a single-page portal's answer to Edit, in place.
ACCESS_DENIED = re.compile(rf"{alternatives(UI_STRINGS['error_title_403'])}|\b403\b", re.IGNORECASE)


# What a label may say after the field's name, in words, often for screen readers only: "City (required)".
CHINESE_FIELD_NOTES = ("必填", "必填项", "可选", "选填")
FIELD_NOTES = (
    "required", "optional", "obligatoire", "facultatif", "facultative", "requis", "requise", *CHINESE_FIELD_NOTES
)  # fmt: skip
REQUIRED_MARK = "[*＊]"  # half or full width, as Chinese forms may write it
# ... or a note of its own after a space, where the field is named by its label and a hint ("City Required"); a
# Chinese one needs no space ("城市必填": Chinese writes none between words).
FIELD_MARKS = (
    rf"(?:\s*(?:{REQUIRED_MARK}|[:：]|[(（]\s*(?:{alternatives(FIELD_NOTES)})\s*[)）]|(?:{alternatives(CHINESE_FIELD_NOTES)}))"
    rf"|\s+(?:{alternatives(FIELD_NOTES)}))*"
)


@functools.cache
def field_label(key: str) -> re.Pattern[str]:
    """Return a pattern matching a field's label (or a value's term) for ``key`` in any locale, as forms
    write it: alone, or followed by a required mark, a note in brackets or a colon, full-width too ("City *",
    "City (required)", "City:"); a required mark may come first too, as many Chinese forms write it ("* 城市"),
    half or full width."""
    return re.compile(
        rf"^\s*(?:{REQUIRED_MARK}\s*)?(?:{alternatives(UI_STRINGS[key])}){FIELD_MARKS}\s*$", re.IGNORECASE
    )


# A message that says "saved", in any of the three languages, and words that make one a refusal ("Nothing was
# saved.", "Rien n'a été enregistré"): told apart where a portal keeps its form after a save and says so in an
# alert (toast libraries give every message that role), its answer 2xx, no field marked invalid.
SAVED_WORDS = re.compile(
    r"\b(?:saved|updated|success|enregistr|mise?s? à jour|réussi|succès)|已保存|已更新|保存成功|更新成功|成功",
    re.IGNORECASE,
)
REFUSAL_WORDS = re.compile(
    r"\b(?:no|not|nothing|cannot|unable|wrong|rien|pas|impossible)\b|n[’']|fail|error|invalid|échec|erreur"
    r"|\b(?:reject|declin|refus|denied)|rejet|未|没有|失败|错误|无法|无效|不|拒绝",
    re.IGNORECASE,
)


# Phrases of another's change meanwhile, which refuse a save wherever they stand in a message ("Someone else updated
# this account", "This account was updated by another user", "Quelqu'un d'autre l'a modifié", "其他用户已更新此帐户"):
# phrases, not words ("Other users will see the change", "其他用户刷新后即可看到" say nothing of a conflict).
_CHANGED = r"(?:changed|updated|modified|edited|saved)"
_SOMEONE = r"(?:someone|somebody) else|another (?:user|agent|person|admin(?:istrator)?)"
_QUELQUUN = r"quelqu[’']un d[’']autre|un autre (?:utilisateur|agent)"
_MODIFIE = r"(?:modifié|changé|mis à jour|enregistré)e?s?|(?:mise?s?) à jour"
_OTHERS_ZH = r"(?:其他用户|其他人|他人|别人)"
CONFLICT_WORDS = re.compile(
    rf"\b(?:{_SOMEONE}) (?:has |have )?{_CHANGED}\b|\b{_CHANGED} by (?:{_SOMEONE})\b"
    rf"|\b(?:changed|updated|modified|edited) (?:since you|while you|meanwhile|in the meantime)"
    r"|\b(?:is|are|was|were) (?:now )?out of date\b"
    rf"|(?:{_QUELQUUN}) (?:a|ont) (?:{_MODIFIE})|(?:{_MODIFIE}) (?:par (?:{_QUELQUUN})|entre-temps)"
    rf"|被{_OTHERS_ZH}|{_OTHERS_ZH}(?:已经?|刚刚)?(?:更改|修改|更新)",
    re.IGNORECASE,
)
# Words that refuse outright (a failure, an error, a refusal), not a mere negation ("You don't need to do anything"):
# what a status with no word of the save must say to be a refusal, and, after a 202, to be the outcome.
REFUSED_OUTRIGHT = re.compile(
    r"fail|\berrors?\b|wrong|\bunable\b|\bcannot\b|can[’']t|could ?n[o’']t|\bimpossible\b"
    r"|\b(?:reject|declin|refus|denied)|rejet|échec|erreur|无法|失败|错误|拒绝|未能",
    re.IGNORECASE,
)


# Words a summary of a form's errors says ("There are 2 errors", "Corrigez les erreurs suivantes", "请更正以下错误").
ERROR_WORDS = re.compile(r"\berrors?\b|\binvalid\b|erreurs?|invalides?|错误|无效", re.IGNORECASE)
REFUSING = (ERROR_WORDS, REFUSAL_WORDS, CONFLICT_WORDS)  # what a message refusing a save says first
# Words of how a save ended, well or not (not a word of its acceptance: "Request accepted", "cannot be undone"):
# after a 202, what a status must say to be the outcome.
OUTCOME_WORDS = re.compile(
    rf"{SAVED_WORDS.pattern}|{ERROR_WORDS.pattern}|{CONFLICT_WORDS.pattern}|{REFUSED_OUTRIGHT.pattern}", re.IGNORECASE
)


# Words of saving, done or not ("save", "enregistr", "保存"): a status that refuses speaks of the save only when it
# says one of them ("Your changes were not saved"), not when it speaks of anything else ("No invoices yet").
SAVE_WORDS = re.compile(r"\b(?:sav|updat)|enregistr|mise?s? à jour|保存|更新", re.IGNORECASE)


def says_refused(messages: list[str], data: Iterable[str] = ()) -> bool:
    """Tell whether any of ``messages`` refuses the form, shown as a status rather than an alert: it speaks of errors
    or of the save, and refuses before any word of a save: a summary of errors ("There are 2 errors"), a save that
    failed ("Your changes were not saved", "Échec de l'enregistrement", "保存失败"). "Saved. Don't forget..." saves.
    ``data`` as for ``says_saved``."""
    said = without_data(messages, data)
    return any((ERROR_WORDS.search(m) or SAVE_WORDS.search(m) or CONFLICT_WORDS.search(m)) and refuses_first(m)
               for m in said)  # fmt: skip


def may_refuse(message: str) -> bool:
    """Tell whether ``message`` says anything that may refuse a save: an error, a negation or failure, another's
    change meanwhile."""
    return any(words.search(message) for words in REFUSING)


def refusals_unsaid(messages: list[str], data: Iterable[str] = ()) -> list[str]:
    """Return those of ``messages`` that refuse first without a word of errors or of the save ("Something went
    wrong", "Request failed", "无法处理你的请求"), none if any of them says saved. Read where the portal kept its
    form: there such a status is its answer. ``data`` as for ``says_saved``."""
    said = {message: without_data([message], data) for message in messages}
    if any(SAVED_WORDS.search(m) and not refuses_first(m) for words in said.values() for m in words):
        return []
    return [message for message, words in said.items() if any(refuses_first(m, REFUSED_OUTRIGHT) for m in words)]


def refuses_first(message: str, *refusing: re.Pattern[str]) -> bool:
    """Tell whether ``message`` says another's change meanwhile, or a refusal (``refusing``, by default an error, a
    negation, a failure) before any word of a save."""
    if CONFLICT_WORDS.search(message):
        return True
    refused = [found.start() for words in refusing or REFUSING if (found := words.search(message))]
    saved = SAVED_WORDS.search(message)
    return bool(refused) and (saved is None or min(refused) < saved.start())


def without_data(messages: list[str], data: Iterable[str]) -> list[str]:
    """Return ``messages`` (those saying anything) without the values of ``data`` in them: not the portal's words."""
    quoted = sorted({value.strip() for value in data if value.strip()}, key=len, reverse=True)  # longest first
    return [functools.reduce(lambda m, value: m.replace(value, " "), quoted, m) for m in messages if m.strip()]


def says_saved(messages: list[str], data: Iterable[str] = ()) -> bool:
    """Tell whether ``messages`` (what the page said) say "saved", and nothing that refuses.

    ``data`` (what the form holds) are not the portal's words: a message quoting the customer ("未来科技有限公司的
    帐单信息已更新", "No Frills Ltd saved") refuses nothing for the words in its name.
    """
    said = without_data(messages, data)
    return bool(said) and all(SAVED_WORDS.search(m) and not may_refuse(m) for m in said)
