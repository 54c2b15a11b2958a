"""The portal's UI strings in en-US, fr-FR and zh-CN, and locale-proof name matchers.

Locators match an accessible name in any of the three languages (``any_language("edit")``
matches "Edit", "Modifier" or "编辑" exactly), so one page object serves every locale without
asking the page which language it speaks. The documented strings come from the localized
Partner Center docs; the rest (marked below) are the bundled portal's own wording.
"""

from __future__ import annotations

import functools
import re

LOCALES = ("en-US", "fr-FR", "zh-CN")

UI_STRINGS: dict[str, tuple[str, str, str]] = {
    # Documented in the localized docs.
    "dashboard": ("Dashboard", "Tableau de bord", "仪表板"),
    "customers": ("Customers", "Clients", "客户"),
    "account": ("Account", "Compte", "帐户"),
    "edit": ("Edit", "Modifier", "编辑"),
    "submit": ("Submit", "Envoyer", "提交"),
    "cancel": ("Cancel", "Annuler", "取消"),
    "add_customer": ("Add customer", "Ajouter un client", "添加客户"),
    "update_title": (
        "Update customer account information",
        "Mettre à jour les informations de compte client",
        "更新客户帐户信息",
    ),
    "portal": ("Partner Center operated by 21Vianet", "Espace partenaires géré par 21Vianet", "由世纪互联运营的合作伙伴中心"),
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
    "username": ("User name", "Nom d’utilisateur", "用户名"),
    "password": ("Password", "Mot de passe", "密码"),
    "next_page": ("Next", "Suivant", "下一页"),
    "previous_page": ("Previous", "Précédent", "上一页"),
    "no_customers": ("No customers match your search.", "Aucun client ne correspond à votre recherche.", "没有与搜索匹配的客户。"),
    "error_title_400": ("Bad request", "Requête incorrecte", "错误的请求"),
    "error_title_403": ("Access denied", "Accès refusé", "拒绝访问"),
    "error_title_404": ("Page not found", "Page introuvable", "找不到页面"),
    "error_title_500": ("Something went wrong", "Une erreur s’est produite", "出现错误"),
    "search_label": ("Search by company name or domain", "Rechercher par nom de société ou domaine", "按公司名称或域名搜索"),
}


def text(key: str, locale: str) -> str:
    """Return the string for ``key`` as the portal shows it in ``locale``."""
    return UI_STRINGS[key][LOCALES.index(locale)]


@functools.cache
def any_language(key: str) -> re.Pattern[str]:
    """Return a pattern matching exactly the string for ``key`` in any supported locale."""
    alternatives = "|".join(re.escape(s) for s in dict.fromkeys(UI_STRINGS[key]))
    return re.compile(rf"^\s*(?:{alternatives})\s*$")
