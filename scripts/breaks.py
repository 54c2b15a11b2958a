"""The changes scripts/mutation_check.py makes to the bundled portal, one at a time.

A break removes or bends one behaviour a partner relies on; the suite run against the broken portal
must fail. A harmless change alters nothing a partner relies on; the suite must stay green. Each
edit replaces the first occurrence of ``text`` in ``path``; a text no longer found is reported, so the
list cannot silently go stale.
"""

from __future__ import annotations

from typing import NamedTuple


class Edit(NamedTuple):
    path: str
    text: str
    replacement: str


class Change(NamedTuple):
    area: str
    behaviour: str
    edits: tuple[Edit, ...]
    aimed_at: tuple[str, ...] = ()  # test files to schedule first (the run still holds the whole suite)
    harmless: bool = False


CUSTOMERS = "fixtures/portal/customers.py"
RULES = "fixtures/portal/rules.py"
COUNTRIES = "fixtures/portal/countries.py"
I18N = "fixtures/portal/i18n.py"
LIST_JS = "fixtures/portal/static/customers.js"
TEMPLATES = "fixtures/portal/templates/customers/"


def change(area: str, behaviour: str, path: str, text: str, replacement: str, *aimed_at: str) -> Change:
    """Return a break of one edit."""
    return Change(area, behaviour, (Edit(path, text, replacement),), aimed_at)


BREAKS: tuple[Change, ...] = (
    # --- field rules ---
    change("rules", "a 5-digit CN postal code accepted", COUNTRIES,
           'postal_code_regex=r"^\\d{6}$"', 'postal_code_regex=r"^\\d{5,6}$"', "tests/test_validation.py"),
    change("rules", "US ZIP+4 refused", COUNTRIES,
           'postal_code_regex=r"^\\d{5}(-\\d{4})?$"', 'postal_code_regex=r"^\\d{5}$"', "tests/test_update_account.py"),
    change("rules", 'FR "+33 (0)" phone refused', COUNTRIES, "(\\+33 ?(\\(0\\))? ?|0)", "(\\+33 ?|0)",
           "tests/test_update_account.py"),
    change("rules", "+86 phone prefix refused", COUNTRIES, "^(?:(?:\\+86[ -]?)?1[3-9]", "^(?:1[3-9]",
           "tests/test_update_account.py"),
    change("rules", "a CA postal code with its space refused", COUNTRIES,
           'r"^[A-Za-z]\\d[A-Za-z] ?\\d[A-Za-z]\\d$"', 'r"^[A-Za-z]\\d[A-Za-z]\\d[A-Za-z]\\d$"',
           "tests/test_update_account.py"),
    change("rules", "US state no longer required", COUNTRIES,
           "is_state_required=True,\n            supported_states=US_STATES",
           "is_state_required=False,\n            supported_states=US_STATES", "tests/test_validation.py"),
    change("rules", "any text accepted as a Mexican state", COUNTRIES,
           "supported_states=MX_STATES", "supported_states=()", "tests/test_validation.py"),
    change("rules", "email shape unchecked", RULES, 'return FieldError("invalid_email")', "return None",
           "tests/test_validation.py"),
    change("rules", "the partner's own domain accepted for email", RULES,
           'return FieldError("partner_domain_email")', "return None", "tests/test_validation.py"),
    change("rules", "maximum lengths one too lenient", RULES, "elif characters(value) > limit:",
           "elif characters(value) > limit + 1:", "tests/test_validation.py"),
    change("rules", "maximum lengths one too strict", RULES, "elif characters(value) > limit:",
           "elif characters(value) >= limit:", "tests/test_hostile_values.py"),
    change("rules", "the partner's own domain accepted for email in capitals", RULES,
           'domain = email.rsplit("@", 1)[1].casefold().rstrip(".")', 'domain = email.rsplit("@", 1)[1].rstrip(".")',
           "tests/test_validation.py"),
    change("rules", "a one-letter company name accepted", RULES, "(len(bases) == 1 or", "(False or",
           "tests/test_validation.py"),
    # --- saving whole, nothing lost or mangled ---
    change("values", "valid fields saved despite errors", CUSTOMERS, "    if not errors:\n        try:",
           "    if errors:\n        save_billing_profile(db, customer_id, {**typed, **{k: stored[k] for k in errors}},"
           " typed['etag'])\n    if not errors:\n        try:", "tests/test_validation.py"),
    change("values", "values longer than 40 characters cut", "fixtures/portal/billing.py",
           "params = [*(values[field] for field in EDITABLE_COLUMNS),",
           "params = [*(values[field][:40] for field in EDITABLE_COLUMNS),", "tests/test_hostile_values.py"),
    change("values", "non-ASCII letters mangled on save", "fixtures/portal/billing.py",
           "params = [*(values[field] for field in EDITABLE_COLUMNS),",
           "params = [*(values[field].encode('ascii', 'replace').decode() for field in EDITABLE_COLUMNS),",
           "tests/test_hostile_values.py"),
    change("values", "address line 2 not saved", "fixtures/portal/billing.py",  # its old value kept, in silence
           'f"{column} = ?" for column',
           'f"{column} = ?" if column != "address_line2" else f"{column} = CASE WHEN ? IS NULL THEN {column} '
           'ELSE {column} END" for column', "tests/test_update_account.py"),
    change("values", "country taken from the form", CUSTOMERS, "for f in EDITABLE_FIELDS}}",
           'for f in EDITABLE_FIELDS}, "country": request.form.get("country", "CN")}', "tests/test_update_account.py"),
    change("values", "the culture chosen in the form not saved", CUSTOMERS, "settings=settings,", "settings={},",
           "tests/test_update_account.py"),
    change("values", "the language left as it was when the culture changes", "fixtures/portal/api_resources.py",
           'settings["language"] = expected', 'pass', "tests/test_update_account.py"),
    change("values", "typed values dropped after a validation error", CUSTOMERS,
           "edit_form(customer, typed, errors), 422", "edit_form(customer, stored, errors), 422",
           "tests/test_validation.py"),
    change("values", "the Account page shows a field under another's label", TEMPLATES + "account.html",
           "{{ profile[field] }}", "{{ profile[(EDITABLE_FIELDS + READ_ONLY_FIELDS)[loop.index0 - 1]] }}",
           "tests/test_update_account.py"),
    # --- conflicts ---
    change("conflicts", "a stale form overwrites a newer change", "fixtures/portal/billing.py",
           'WHERE customer_id = ? AND etag = ?"', 'WHERE customer_id = ? AND ? IS NOT NULL"', "tests/test_conflict.py"),
    change("conflicts", "the conflict message replaced by the validation one", TEMPLATES + "edit.html",
           "{{ t('conflict') }}", "{{ t('fix_errors') }}", "tests/test_conflict.py"),
    change("conflicts", "typed values dropped on a conflict", CUSTOMERS,
           "edit_form(customer, typed, {}, conflict=True)",
           "edit_form(customer, {**typed, **{f: stored[f] for f in ('firstName', 'city')}}, {}, conflict=True)",
           "tests/test_conflict.py"),
    # --- roles ---
    change("roles", "help desk agents may edit", "fixtures/portal/auth.py", '"sales-agent"})',
           '"sales-agent", "helpdesk-agent"})', "tests/test_roles.py"),
    change("roles", "sales agents may not edit", "fixtures/portal/auth.py", '"admin-agent", "sales-agent"})',
           '"admin-agent"})', "tests/test_roles.py"),
    change("roles", "a forged Submit saved for anyone (the role checked on the form only)", CUSTOMERS,
           '    if not can_edit_billing(g.user["role"]):\n        abort(403, description=translate("forbidden"))\n'
           "    customer = get_customer(customer_id)\n    db = get_db()",
           '    if request.method == "GET" and not can_edit_billing(g.user["role"]):\n'
           '        abort(403, description=translate("forbidden"))\n'
           "    customer = get_customer(customer_id)\n    db = get_db()", "tests/test_roles.py"),
    # --- languages ---
    change("languages", "a French label changed", I18N, '"edit": ("Edit", "Modifier", "编辑")',
           '"edit": ("Edit", "Éditer", "编辑")', "tests/test_languages.py"),
    change("languages", "the zh-CN conflict message in English", I18N,
           '"在你打开此表单后，其他人更改了此客户的帐单信息。未保存任何内容。请打开下方包含最新信息的表单，然后重新提交。"',
           '"Someone else changed this customer’s billing information after you opened this form."',
           "tests/test_languages.py"),
    change("languages", "the fr-FR validation messages in English", I18N,
           '"err_required": ("{label} is required.", "{label} est obligatoire.",',
           '"err_required": ("{label} is required.", "{label} is required.",', "tests/test_languages.py"),
    change("languages", "the language picker forgotten on the next page", I18N,
           "    chosen = request.cookies.get(LOCALE_COOKIE)\n", "    chosen = None\n", "tests/test_languages.py"),
    # --- messages ---
    change("messages", "a too-long value reported as missing", I18N,
           '"err_too_long": ("{label} can be at most {max} characters."', '"err_too_long": ("{label} is required."',
           "tests/test_validation.py"),
    change("messages", "a field's error not tied to its field", TEMPLATES + "fields.html",
           'aria-describedby="{{ name }}-error"', "", "tests/test_validation.py"),
    # --- search and paging ---
    change("search", "search by domain dropped", "fixtures/portal/store.py", 'None: ("company_name", "domain")',
           'None: ("company_name",)', "tests/test_customers_list.py"),
    change("search", "search became case-sensitive", "fixtures/portal/store.py",
           "[like_prefix(_casefold(value) or \"\")]", "[like_prefix(value)]", "tests/test_customers_list.py"),
    change("search", "% and _ in a search act as wildcards", "fixtures/portal/store.py",
           '.replace("%", "\\\\%").replace("_", "\\\\_")', "", "tests/test_customers_list.py"),
    change("search", "_ alone in a search acts as a wildcard", "fixtures/portal/store.py",
           '.replace("_", "\\\\_")', "", "tests/test_customers_list.py"),
    Change("search", "the search's text pasted into its SQL", (
        Edit("fixtures/portal/store.py", "LIKE ? ESCAPE", "LIKE '{_casefold(value)}%' ESCAPE"),
        Edit("fixtures/portal/store.py", "[like_prefix(_casefold(value) or \"\")] * len(columns)", "[]"),
    ), ("tests/test_customers_list.py",)),
    change("paging", "Next disabled after the first page", LIST_JS, "next.disabled = !tokens[page];",
           "next.disabled = true;", "tests/test_customers_list.py"),
    change("paging", "Previous enabled on the first page", LIST_JS, "previous.disabled = page === 1;",
           "previous.disabled = false;", "tests/test_customers_list.py"),
    change("paging", "the page count rounded down", LIST_JS, "Math.ceil(body.totalCount / pageSize)",
           "Math.floor(body.totalCount / pageSize)", "tests/test_customers_list.py"),
    change("paging", "a list that failed to load shows nothing", LIST_JS, "failed.hidden = false;",
           "failed.hidden = true;", "tests/test_customers_list.py"),
    # --- escaping ---
    change("escaping", "the Account page shows markup as markup", TEMPLATES + "account.html",
           "{{ profile[field] }}", "{{ profile[field]|safe }}", "tests/test_hostile_values.py"),
    change("escaping", "the list shows company names as markup", LIST_JS,
           "link.textContent = item.companyProfile.companyName;",
           "link.innerHTML = item.companyProfile.companyName;", "tests/test_hostile_values.py"),
    # --- sign-in and sessions ---
    change("sign-in", "sign-out leaves the session alive", "fixtures/portal/auth.py",
           '    id_token = session.get("id_token")\n    session.clear()\n', '    id_token = session.get("id_token")\n',
           "tests/test_sign_in.py"),
    change("sign-in", "customer pages open without MFA", "fixtures/portal/auth.py",
           "if identity.require_mfa() and request.endpoint not in MFA_FREE_ENDPOINTS",
           "if False and request.endpoint not in MFA_FREE_ENDPOINTS", "tests/test_sign_in.py"),
    change("sign-in", "a form posted after the session ended is lost without a word", "fixtures/portal/auth.py",
           'return redirect(url_for("auth.session_ended", next=request.path))',
           'return redirect(url_for("auth.sign_in", next=request.path))', "tests/test_interrupted_edits.py"),
    # --- more, each a regression a partner would notice ---
    change("roles", "help desk agents shown Edit (the server still refuses)", TEMPLATES + "account.html",
           "{% if can_edit_billing(g.user['role']) %}", "{% if true %}", "tests/test_roles.py"),
    change("roles", "admin agents may not edit", "fixtures/portal/auth.py",
           '"global-admin", "admin-agent", "sales-agent"', '"global-admin", "sales-agent"', "tests/test_roles.py"),
    change("values", "no notice that the changes were saved", CUSTOMERS,
           'customer_id=customer_id, **add_notice("saved")))', "customer_id=customer_id))",
           "tests/test_update_account.py"),
    change("values", "Cancel saves what was typed", TEMPLATES + "edit.html",
           "<a class=\"button secondary\" href=\"{{ url_for('customers.account', customer_id=customer['id']) }}\">"
           "{{ t('cancel') }}</a>",
           '<button type="submit" class="button secondary">{{ t(\'cancel\') }}</button>',
           "tests/test_update_account.py"),
    change("conflicts", "a save keeps the old etag", "fixtures/portal/billing.py", "new_etag = uuid.uuid4().hex",
           "new_etag = etag", "tests/test_conflict.py"),
    change("conflicts", "the API's PUT takes a stale If-Match", "fixtures/portal/api.py",
           "    if etag != stored[\"etag\"]:  # preconditions first",
           "    etag = stored[\"etag\"]\n    if etag != stored[\"etag\"]:  # preconditions first",
           "tests/test_conflict.py"),
    change("rules", "a blank phone number refused", RULES,
           'REQUIRED = ("companyName", "firstName", "lastName", "email", "addressLine1", "city")',
           'REQUIRED = ("companyName", "firstName", "lastName", "email", "phoneNumber", "addressLine1", "city")',
           "tests/test_update_account.py"),
    change("rules", "a French postal code no longer required", COUNTRIES,
           "supported_states=(),\n            is_postal_code_required=True",  # France's: no states, 5 digits
           "supported_states=(),\n            is_postal_code_required=False", "tests/test_validation.py"),
    change("rules", "a company name of punctuation only accepted", RULES, "(len(bases) == 1 or all(",
           "(len(bases) == 1 or False and all(", "tests/test_validation.py"),
    change("paging", "the next page forgets the search", LIST_JS, "if (query) params.set(",
           "if (query && page === 1) params.set(", "tests/test_customers_list.py"),
    change("look", "the form's labels tied to no field", TEMPLATES + "fields.html", '<label for="{{ name }}">',
           "<label>", "tests/test_screens.py"),
    change("look", "Cancel's words hard to read (low contrast)", "fixtures/portal/static/portal.css",
           ".button.secondary { background: #e6e6e6; color: #1b1b1b; }",
           ".button.secondary { background: #e6e6e6; color: #b0b0b0; }", "tests/test_screens.py"),
    change("roles", "a form posted without its anti-forgery token saved (one wrong still refused)",
           "fixtures/portal/auth.py", "    if not expected or not secrets.compare_digest(sent, expected):",
           "    if sent and not secrets.compare_digest(sent, expected):", "tests/test_roles.py"),
    change("sign-in", "a wrong verification code accepted", "fixtures/identity/directory.py",
           "else CodeCheck.WRONG\n    # A code replayed", "else CodeCheck.OK\n    # A code replayed",
           "tests/test_sign_in.py"),
    # --- from a trial of regressions a deployment could ship, none of which the suite caught then ---
    change("languages", "a Chinese phone number error in English", I18N, '"{label}不是{country_for}的有效电话号码。"',
           '"{label} is not a valid phone number {country_for}."', "tests/test_languages.py"),
    change("languages", "address line 2 not saved from a French page", CUSTOMERS,
           "    errors = messages_for(validate_billing_profile(trimmed))",
           '    if g.locale == "fr-FR":\n        trimmed["addressLine2"] = stored["addressLine2"]\n'
           "    errors = messages_for(validate_billing_profile(trimmed))", "tests/test_languages.py"),
    change("languages", "the French session-ended message in English", I18N,
           '"Votre session a pris fin avant que vos modifications n’atteignent le portail : rien n’a été enregistré. '
           'Connectez-vous, puis refaites vos modifications."',
           '"Your session ended before your changes reached the portal: nothing was saved. Sign in, then make your '
           'changes again."', "tests/test_interrupted_edits.py"),
    change("languages", "the Chinese customer-added notice in English", I18N, '"已添加客户。"',
           '"The customer was added."', "tests/test_languages.py"),
    change("look", "the saved notice's text unreadable (1.7:1)", "fixtures/portal/static/portal.css",
           ".confirmation { background: #dff6dd;", ".confirmation { color: #9ac49a; background: #dff6dd;",
           "tests/test_screens.py"),
    change("look", "the keyboard's focus outline taken away", "fixtures/portal/static/portal.css",
           '#customer-results[aria-busy="true"] table { opacity: .5; }',
           '#customer-results[aria-busy="true"] table { opacity: .5; }\n'
           "a:focus, button:focus, a:focus-visible, button:focus-visible { outline: none; }",
           "tests/test_keyboard_focus.py"),
    change("look", "required fields no longer announced as required", TEMPLATES + "fields.html",
           '{% if required %}aria-required="true"{% endif %}', "", "tests/test_validation.py"),
    change("paging", "Previous goes back to the first page", LIST_JS,
           'previous.addEventListener("click", () => { page -= 1; load(); });',
           'previous.addEventListener("click", () => { page = 1; load(); });', "tests/test_customers_list.py"),
    change("sign-in", "the session cookie readable by the page's scripts", "fixtures/portal/sessions.py",
           "httponly=self.get_cookie_httponly(app),", "httponly=False,", "tests/test_sign_in.py"),
    change("roles", "help desk agents may add a customer by posting the form (checked on its page only)", CUSTOMERS,
           '    if not can_edit_billing(g.user["role"]):\n        abort(403, description=translate("forbidden"))\n'
           "    typed = {field: request.form.get(field, \"\").strip() for field in NEW_CUSTOMER_FIELDS}",
           '    if request.method == "GET" and not can_edit_billing(g.user["role"]):\n'
           '        abort(403, description=translate("forbidden"))\n'
           "    typed = {field: request.form.get(field, \"\").strip() for field in NEW_CUSTOMER_FIELDS}",
           "tests/test_roles.py"),
    change("api", "the API's search matches anywhere in a name, not its start", "fixtures/portal/store.py",
           '    return escaped + "%"', '    return "%" + escaped + "%"', "tests/test_api_contract.py"),
    change("api", "tenantId renamed tenantID", "fixtures/portal/api_resources.py", '"tenantId": row["id"],',
           '"tenantID": row["id"],', "tests/test_api_contract.py"),
    change("api", "a new customer answered 200, not 201", "fixtures/portal/api.py", "return jsonify(body), 201,",
           "return jsonify(body), 200,", "tests/test_api_contract.py"),
    change("api", "help desk agents may create customers through the API", "fixtures/portal/api.py",
           "    require_editor()\n    values, problems = new_customer_values(json_body())",
           "    values, problems = new_customer_values(json_body())", "tests/test_api_contract.py"),
    # --- from a second such trial ---
    change("rules", "a French postal code of four digits accepted", COUNTRIES,
           'postal_code_regex=r"^\\d{5}$",\n            is_city_required=True,\n            # 01 23',
           'postal_code_regex=r"^\\d{4,5}$",\n            is_city_required=True,\n            # 01 23',
           "tests/test_validation.py"),
    change("values", "the culture chosen lost when the form is refused", CUSTOMERS,
           "return edit_form(customer, typed, errors), 422",
           'return edit_form(customer, {**typed, "culture": stored["culture"]}, errors), 422',
           "tests/test_validation.py"),
    change("values", "the Bill-to company name renames the customer", "fixtures/portal/billing.py",
           "            raise EtagMismatch(customer_id)\n",
           "            raise EtagMismatch(customer_id)\n        conn.execute(\"UPDATE customers SET company_name = ? "
           "WHERE id = ?\", (values[\"companyName\"], customer_id))\n", "tests/test_update_account.py"),
    change("api", "a search by Domain matches company names too", "fixtures/portal/store.py",
           '"Domain": ("domain",)', '"Domain": ("company_name", "domain")', "tests/test_api_contract.py"),
    change("api", "the billing profile's defaultAddress.region left out", "fixtures/portal/api_resources.py",
           '            "region": None,  # the portal keeps no region apart from the state\n', "",
           "tests/test_api_contract.py"),
    change("api", "an unknown customer's 404 without code 60003", "fixtures/portal/api_resources.py",
           'return ApiError(404, "Tenant not found", TENANT_NOT_FOUND)', 'return ApiError(404, "Tenant not found")',
           "tests/test_api_contract.py"),
    change("api", "the country rules say no postal code is required", COUNTRIES,
           '"isPostalCodeRequired": self.is_postal_code_required,', '"isPostalCodeRequired": False,',
           "tests/test_api_contract.py"),
    # --- from a QA engineer's run of the suite on a phone (--device "Pixel 7") ---
    change("look", "a phone's layout taken away (pages wider than its screen)", "fixtures/portal/static/portal.css",
           "@media (max-width: 40rem) {", "@media (max-width: 1px) {", "tests/test_phone.py", "tests/test_screens.py"),
    # --- tested against deployments since: seek-based paging has no page after the last, full or not; Microsoft's docs
    # require If-Match on a billing profile's PUT, for concurrency; a country's rules list the cultures it takes;
    # a state is free text outside CN, US, CA and MX ---
    change("paging", "a page exactly full offers Next, to a page of none", "fixtures/portal/store.py",
           "    if len(rows) > size:", "    if len(rows) >= size:", "tests/test_customers_list.py",
           "tests/test_api_contract.py"),
    change("api", "a PUT without If-Match saved over whatever is stored", "fixtures/portal/api.py",
           "    etag = if_match()\n", '    etag = if_match() if request.headers.get("If-Match") else stored["etag"]\n',
           "tests/test_api_contract.py"),
    change("api", "a culture the country does not list stored (fr-FR for a Chinese customer)",
           "fixtures/portal/api_resources.py",
           "        found = listed.get(culture.strip().casefold()) if isinstance(culture, str) else None\n",
           "        found = culture.strip() if isinstance(culture, str) else None\n", "tests/test_api_contract.py"),
    change("rules", "a French state held to a list (the spec: free text outside CN, US, CA and MX)", COUNTRIES,
           'supported_states=(),\n            is_postal_code_required=True,\n'
           '            postal_code_regex=r"^\\d{5}$",',
           'supported_states=("Île-de-France",),\n            is_postal_code_required=True,\n'
           '            postal_code_regex=r"^\\d{5}$",', "tests/test_update_account.py"),
    change("api", "the API's PUT takes values the rules refuse (the form's checks alone stand)",
           "fixtures/portal/api.py", "    problems += resources.rule_problems(validate_billing_profile({**values, "
           '"country": stored["country"]}), problems)\n', "", "tests/test_api_contract.py"),
)  # fmt: skip

HARMLESS: tuple[Change, ...] = (
    Change("harmless", "every page and API answer 150 ms slower", (
        Edit("fixtures/portal/auth.py", "    app.before_request(load_user)\n",
             "    app.before_request(lambda: __import__('time').sleep(0.15))\n    app.before_request(load_user)\n"),
    ), harmless=True),
    Change("harmless", "the customer list loads 1.5 s later", (
        Edit(LIST_JS, "      const response = await fetch(",
             "      await new Promise((done) => setTimeout(done, 1500));\n      const response = await fetch("),
    ), harmless=True),
    Change("harmless", "the list paged 25 at a time, its pager saying \"1 / 2\"", (
        Edit("fixtures/portal/__init__.py", "PAGE_SIZE=20,", "PAGE_SIZE=25,"),
        Edit(I18N, '"page_of": ("Page {page} of {pages}"', '"page_of": ("{page} / {pages}"'),
    ), harmless=True),
    Change("harmless", "a restyled portal (colours, fonts, spacing)", (
        Edit("fixtures/portal/static/portal.css", "sans-serif; color: #1b1b1b; }",
             "sans-serif; color: #1b1b1b; font-family: Georgia, serif; letter-spacing: .01em; background: #fbf8f1; }"),
        Edit("fixtures/portal/static/portal.css", "padding: .3rem 1.2rem;",
             "padding: .5rem 1.6rem; border-radius: 6px;"),
    ), harmless=True),
    Change("harmless", "the Account page's markup rearranged (wrappers, ids, no test ids)", (
        Edit(TEMPLATES + "account.html", "    <dl>\n      {% for field",
             '    <div class="panel"><dl class="bill-to">\n      {% for field'),
        Edit(TEMPLATES + "account.html", "    </dl>\n    {% if can_edit", "    </dl></div>\n    {% if can_edit"),
        Edit(TEMPLATES + "account.html", '<dd data-testid="billing-{{ field }}">', "<dd>"),
    ), harmless=True),
)  # fmt: skip
