"""The holder's pages over HTTP: home figures, uploads, answers and letters, and who sees what.

Each test builds its own council through the API with the admin's key; the holder signs in
with a password and uses the pages as a browser would (cookies and the form's CSRF token).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from conftest import Council, make_council, post_ok, unique

from web.conftest import Person, hidden_token, make_person, sign_in

GOOD = "correct horse battery"
PLAN = {
    "effective_from": "2026-01-05", "period": "four_weeks", "actual_budget": "1568.00",
    "lines": [
        {"category": "pa_wages", "description": "Personal assistant", "amount": "312.00",
         "amount_basis": "week", "planned_hours_per_week": "24.00", "hourly_rate": "13.00"},
        {"category": "day_activities", "description": "Swimming", "amount": "80.00",
         "amount_basis": "week", "expected_payee": "Leisure Centre"},
    ],
}
# The generic bank layout the demo's bank uses: day-first dates, signed amounts, balances.
STATEMENT = (
    b"Date,Description,Amount,Balance\n"
    b"05/01/2026,COUNCIL DIRECT PAYMENT,1540.00,6540.00\n"
    b"09/01/2026,S CARTER,-312.00,6228.00\n"
    b"10/01/2026,LEISURE CENTRE SWIM,-12.00,6216.00\n"
    b"14/01/2026,BET365,-25.00,6191.00\n"
    b"16/01/2026,S CARTER,-312.00,5879.00\n"
)


@dataclass
class Family:
    council: Council
    holder: Person
    ann: int  # two adult children, both looked after by the one holder
    ben: int
    ann_account: int
    ben_account: int
    stranger: int  # someone else in the same council


def person(client: Any, council: Council, name: str, holder: Person | None) -> tuple[int, int]:
    h = council.auth()
    rid = post_ok(client, "/v1/recipients", h, {"reference": unique("R"), "name": name,
                                                "dp_start_date": "2026-01-05"})["id"]
    if holder is not None:
        post_ok(client, f"/v1/recipients/{rid}/representatives", h,
                {"kind": "nominee", "name": "Pat Parent", "user_id": holder.id})
    post_ok(client, f"/v1/recipients/{rid}/workers", h, {"name": "Sam Carter", "aliases": ["S CARTER"]})
    plan = post_ok(client, f"/v1/recipients/{rid}/plans", h, PLAN)
    post_ok(client, f"/v1/plans/{plan['id']}/approve", h, {})
    account = post_ok(client, f"/v1/recipients/{rid}/accounts", h,
                      {"reference": unique("acct"), "kind": "bank", "institution": "Demo Bank",
                       "number_last4": "1234"})
    return rid, account["id"]


def family(client: Any, council: Council) -> Family:
    holder = make_person(council, "holder")
    ann, ann_account = person(client, council, "Ann Parent", holder)
    ben, ben_account = person(client, council, "Ben Parent", holder)
    stranger, _ = person(client, council, "Sue Stranger", None)
    return Family(council, holder, ann, ben, ann_account, ben_account, stranger)


def api_statement(client: Any, fam: Family, data: bytes = STATEMENT) -> dict[str, Any]:
    response = client.post(f"/v1/accounts/{fam.ann_account}/statements", headers=fam.council.auth(),
                           files={"file": ("statement.csv", data)},
                           data={"period_start": "2026-01-05", "period_end": "2026-01-31"})
    assert response.status_code == 201, response.text
    return dict(response.json())


def words(page_html: str) -> str:
    """The main part of a page as text, as a person reads it."""
    main = page_html[page_html.index("<main"):page_html.index("</main>")]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main))).strip()


def signed_in(client: Any, fam: Family) -> None:
    assert sign_in(client, fam.holder.email, GOOD).status_code == 303


def uploads_of(client: Any, fam: Family, account: int) -> list[dict[str, Any]]:
    return list(client.get(f"/v1/accounts/{account}/uploads", headers=fam.council.auth()).json()["items"])


def send(client: Any, fam: Family, data: bytes, *, kind: str = "statement", token: str | None = None,
         name: str = "april.csv", account: int | None = None) -> Any:
    form = {"kind": kind, "account_id": str(account or fam.ann_account)}
    if token is not None:
        form["csrf_token"] = token
    return client.post(f"/for/{fam.ann}/upload", data=form, files={"file": (name, data, "text/csv")})


# --- home ----------------------------------------------------------------------------------

def test_home_shows_each_person_with_the_money_now_and_what_it_is_for(
        browser_client: Any, web_council: Council) -> None:
    fam = family(browser_client, web_council)
    api_statement(browser_client, fam)
    signed_in(browser_client, fam)
    page = browser_client.get("/")
    assert page.status_code == 200
    text = words(page.text)
    assert "Direct payments you look after" in text
    assert "Ann Parent" in text and "Ben Parent" in text and "Sue Stranger" not in text
    ann = text[text.index("Ann Parent The money now"):text.index("Ben Parent The money now")]
    # 5000.00 before the first line; +1540 -312 -12 -25 -312 = 5879.00, on the declared last day
    assert "Bank account at Demo Bank, ending 1234 £5,879.00 on 31 January 2026" in ann
    # the 4-week plan period 5 January to 1 February: £312 x 4 and £80 x 4 planned
    assert "This is the plan for 5 January 2026 to 1 February 2026" in ann
    assert "Personal assistant £1,248.00 £624.00" in ann
    assert "Swimming £320.00 £12.00" in ann
    assert "We have 1 question for you" in ann  # the betting payment
    ben = text[text.index("Ben Parent The money now"):]
    assert "We do not have a statement for this account yet" in ben
    assert "We have no questions for you" in ben
    for link in (f"/for/{fam.ann}/upload", f"/for/{fam.ann}/questions", f"/for/{fam.ann}/letters",
                 f"/for/{fam.ben}/upload", f"/for/{fam.ben}/letters"):
        assert f'href="{link}"' in page.text


def test_a_holder_never_sees_someone_else_s_person(browser_client: Any, web_council: Council,
                                                   database_url: str) -> None:
    fam = family(browser_client, web_council)
    other = family(browser_client, web_council)  # another holder in the same council
    elsewhere_council = family(browser_client, make_council(database_url))
    signed_in(browser_client, fam)
    home = browser_client.get("/")
    token = hidden_token(home.text)
    for rid in (fam.stranger, other.ann, elsewhere_council.ann, 999999999, "abc"):
        for path in ("upload", "questions", "letters", "uploads/1", "letters/1.pdf", "letters/1.html"):
            assert browser_client.get(f"/for/{rid}/{path}").status_code == 404, (rid, path)
        refused = browser_client.post(f"/for/{rid}/upload", data={"csrf_token": token, "kind": "statement"},
                                      files={"file": ("a.csv", STATEMENT, "text/csv")})
        assert refused.status_code == 404
    assert uploads_of(browser_client, other, other.ann_account) == []


def test_holder_pages_are_404_for_an_officer(browser_client: Any, web_council: Council) -> None:
    fam = family(browser_client, web_council)
    officer = make_person(web_council, "officer")
    assert sign_in(browser_client, officer.email, GOOD).status_code == 303
    for path in (f"/for/{fam.ann}/upload", f"/for/{fam.ann}/questions", f"/for/{fam.ann}/letters",
                 "/upload"):
        assert browser_client.get(path).status_code == 404, path


# --- sending a file ------------------------------------------------------------------------

def test_a_statement_sent_by_the_form_is_told_back_in_words(browser_client: Any,
                                                            web_council: Council) -> None:
    fam = family(browser_client, web_council)
    signed_in(browser_client, fam)
    assert browser_client.get("/upload").status_code == 200  # two people: choose one first
    unchosen = browser_client.get("/upload", params={"sent": "1"})
    assert unchosen.status_code == 400 and "Choose who the file is for." in unchosen.text
    chosen = browser_client.get("/upload", params={"person_id": fam.ann, "sent": "1"})
    assert chosen.status_code == 303 and chosen.headers["location"] == f"/for/{fam.ann}/upload"
    form = browser_client.get(f"/for/{fam.ann}/upload")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    assert "Bank account at Demo Bank, ending 1234" in form.text
    sent = send(browser_client, fam, STATEMENT, token=hidden_token(form.text))
    assert sent.status_code == 303, sent.text
    assert re.fullmatch(rf"/for/{fam.ann}/uploads/\d+", sent.headers["location"])
    result = words(browser_client.get(sent.headers["location"]).text)
    assert "We read 5 payments from 5 January to 16 January 2026." in result
    assert "The balance at the end was £5,879.00." in result
    assert "We have a question about 1 payment." in result
    assert "Answer our question" in result
    assert len(uploads_of(browser_client, fam, fam.ann_account)) == 1

    again = send(browser_client, fam, STATEMENT, token=hidden_token(form.text), name="again.csv")
    assert again.status_code == 303 and again.headers["location"].endswith("?again=1")
    assert "You sent this file before" in browser_client.get(again.headers["location"]).text
    assert len(uploads_of(browser_client, fam, fam.ann_account)) == 1


def test_a_timesheet_sent_by_the_form(browser_client: Any, web_council: Council) -> None:
    fam = family(browser_client, web_council)
    signed_in(browser_client, fam)
    token = hidden_token(browser_client.get(f"/for/{fam.ann}/upload").text)
    sheet = b"Worker,Date,Hours,Rate\nSam Carter,05/01/2026,7,13.00\nSam Carter,07/01/2026,7,13.00\n"
    sent = send(browser_client, fam, sheet, kind="timesheet", token=token, name="week.csv")
    assert sent.status_code == 303, sent.text
    result = words(browser_client.get(sent.headers["location"]).text)
    assert "We read 2 shifts from 5 January to 7 January 2026." in result
    assert "Sam Carter worked 14.00 hours." in result


def test_a_pay_list_sent_by_the_form(browser_client: Any, web_council: Council) -> None:
    fam = family(browser_client, web_council)
    signed_in(browser_client, fam)
    token = hidden_token(browser_client.get(f"/for/{fam.ann}/upload").text)
    pay = (b"Employee,Pay Period Start,Pay Period End,Gross Pay,PAYE,EE NI,ER NI,EE Pension,"
           b"ER Pension,Net Pay,Hours\n"
           b"CARTER SAM,05/01/2026,18/01/2026,364.00,0.00,0.00,0.00,0.00,0.00,364.00,28\n")
    sent = send(browser_client, fam, pay, kind="payroll", token=token, name="pay.csv")
    assert sent.status_code == 303, sent.text
    result = words(browser_client.get(sent.headers["location"]).text)
    assert "We read 1 pay slip from 5 January to 18 January 2026." in result
    assert "Sam Carter was paid £364.00 before tax." in result


def test_a_bad_file_says_what_to_do_and_keeps_nothing(browser_client: Any, web_council: Council) -> None:
    fam = family(browser_client, web_council)
    signed_in(browser_client, fam)
    token = hidden_token(browser_client.get(f"/for/{fam.ann}/upload").text)
    for data, name in ((b"Hello,this is\nnot,a,statement,at,all\n", "notes.csv"),
                       (b"%PDF-1.4 a picture of a statement", "statement.pdf"),
                       (STATEMENT.replace(b"-312.00,6228.00", b"lots,6228.00"), "broken.csv")):
        refused = send(browser_client, fam, data, token=token, name=name)
        assert refused.status_code == 400, refused.text
        text = words(refused.text)
        assert "There is a problem" in text
        assert "Download a CSV or OFX file from your bank's website and try again." in text
        for jargon in ("field", "pointer", "422", "{"):
            assert jargon not in text, (jargon, text)
        assert refused.text.count('href="#file"') == 1
    assert "We could not read line 3 of this file." in words(refused.text)
    assert uploads_of(browser_client, fam, fam.ann_account) == []
    flags = browser_client.get("/v1/flags", headers=fam.council.auth(), params={"recipient_id": fam.ann})
    assert flags.json()["items"] == []


def test_the_upload_form_says_what_is_missing(browser_client: Any, web_council: Council) -> None:
    fam = family(browser_client, web_council)
    signed_in(browser_client, fam)
    token = hidden_token(browser_client.get(f"/for/{fam.ann}/upload").text)
    no_kind = browser_client.post(f"/for/{fam.ann}/upload", data={"csrf_token": token},
                                  files={"file": ("a.csv", STATEMENT, "text/csv")})
    assert no_kind.status_code == 400 and "Choose what kind of file this is." in no_kind.text
    no_account = browser_client.post(f"/for/{fam.ann}/upload", data={"csrf_token": token, "kind": "statement"},
                                     files={"file": ("a.csv", STATEMENT, "text/csv")})
    assert no_account.status_code == 400 and "Choose which account the statement is for." in no_account.text
    others = send(browser_client, fam, STATEMENT, token=token, account=fam.ben_account)
    assert others.status_code == 400  # Ben's account is not Ann's
    no_file = browser_client.post(f"/for/{fam.ann}/upload", data={"csrf_token": token, "kind": "timesheet"})
    assert no_file.status_code == 400 and "Choose a file to send." in no_file.text
    assert uploads_of(browser_client, fam, fam.ann_account) == []
    assert uploads_of(browser_client, fam, fam.ben_account) == []


def test_the_upload_form_needs_its_csrf_token(browser_client: Any, web_council: Council) -> None:
    fam = family(browser_client, web_council)
    signed_in(browser_client, fam)
    for token in (None, "x" * 43):
        refused = send(browser_client, fam, STATEMENT, token=token)
        assert refused.status_code == 400 and "This form has expired" in refused.text
    assert uploads_of(browser_client, fam, fam.ann_account) == []


# --- things we have asked ------------------------------------------------------------------

def open_audit(client: Any, fam: Family) -> dict[str, Any]:
    """An audit of January and February: February has no statement, and more is kept than
    may be (8 weeks x £392.00 = £3,136.00 may be kept of £5,879.00)."""
    return post_ok(client, f"/v1/recipients/{fam.ann}/audits", fam.council.auth(),
                   {"period_start": "2026-01-05", "period_end": "2026-02-28"})


def test_each_question_is_answered_in_a_text_box_through_the_api_services(
        browser_client: Any, web_council: Council) -> None:
    fam = family(browser_client, web_council)
    api_statement(browser_client, fam)
    audit = open_audit(browser_client, fam)
    signed_in(browser_client, fam)
    page = browser_client.get(f"/for/{fam.ann}/questions")
    text = words(page.text)
    assert "We have 3 questions for you" in text
    assert "On 14 January 2026, £25.00 went to BET365." in text
    assert "We do not have a bank statement for 1 February to 28 February 2026." in text
    assert "There is £" in text and "more than you may keep." in text
    ids = re.findall(rf'action="/for/{fam.ann}/questions/([^"]+)"', page.text)
    assert len(ids) == 3 and ids[0].startswith("flag-") and ids[2] == f"u-{audit['id']}"
    token = hidden_token(page.text)

    url = f"/for/{fam.ann}/questions/"
    answered = browser_client.post(url + ids[0], data={"csrf_token": token, "answer": "A birthday present."})
    assert answered.status_code == 303
    assert answered.headers["location"] == f"/for/{fam.ann}/questions?answered={ids[0]}"
    flag_id = int(ids[0].removeprefix("flag-"))
    flag = browser_client.get(f"/v1/flags/{flag_id}", headers=fam.council.auth()).json()
    assert flag["holder_explanation"] == "A birthday present." and flag["status"] == "open"

    assert browser_client.post(url + ids[1], data={"csrf_token": token,
                                                   "answer": "The bank lost it."}).status_code == 303
    notes = browser_client.get(f"/v1/audits/{audit['id']}/notes", headers=fam.council.auth()).json()["items"]
    assert len(notes) == 1 and notes[0]["body"].endswith("\nThe answer: The bank lost it.")
    assert notes[0]["body"].startswith("We asked: We do not have a bank statement")

    assert browser_client.post(url + ids[2], data={"csrf_token": token, "reason": "could_not_recruit",
                                                   "answer": "Nobody applied."}).status_code == 303
    reasons = browser_client.get(f"/v1/recipients/{fam.ann}/underspend-reasons",
                                 headers=fam.council.auth()).json()["items"]
    assert [(r["reason"], r["note"], r["audit_id"], r["hold_recovery"]) for r in reasons] == [
        ("could_not_recruit", "Nobody applied.", audit["id"], False)]

    after = words(browser_client.get(f"/for/{fam.ann}/questions?answered={ids[2]}").text)
    assert "Thank you. We have your answer." in after
    assert "You have answered all our questions" in after
    assert "You told us: A birthday present." in after and "You told us: The bank lost it." in after
    assert "You told us that you could not find a personal assistant. Nobody applied." in after
    home = words(browser_client.get("/").text)
    assert "You have answered all our questions" in home


def test_an_answer_needs_words_and_its_csrf_token(browser_client: Any, web_council: Council) -> None:
    fam = family(browser_client, web_council)
    api_statement(browser_client, fam)
    audit = open_audit(browser_client, fam)
    signed_in(browser_client, fam)
    page = browser_client.get(f"/for/{fam.ann}/questions")
    flag_ask = re.findall(rf'action="/for/{fam.ann}/questions/(flag-\d+)"', page.text)[0]
    url = f"/for/{fam.ann}/questions/{flag_ask}"
    for token in (None, "y" * 43):
        data = {"answer": "A present."} | ({"csrf_token": token} if token else {})
        refused = browser_client.post(url, data=data)
        assert refused.status_code == 400 and "This form has expired" in refused.text
    empty = browser_client.post(url, data={"csrf_token": hidden_token(page.text), "answer": "  "})
    assert empty.status_code == 400
    assert "Write your answer in the box." in words(empty.text)
    assert f'href="#answer-{flag_ask}"' in empty.text and "field" not in words(empty.text)
    no_reason = browser_client.post(f"/for/{fam.ann}/questions/u-{audit['id']}",
                                    data={"csrf_token": hidden_token(page.text), "answer": "Why not"})
    assert no_reason.status_code == 400 and "Choose why less was spent." in no_reason.text
    assert "Why not" in no_reason.text  # what was typed is kept
    flag = browser_client.get(f"/v1/flags/{flag_ask.removeprefix('flag-')}", headers=fam.council.auth())
    assert flag.json()["holder_explanation"] is None
    reasons = browser_client.get(f"/v1/recipients/{fam.ann}/underspend-reasons", headers=fam.council.auth())
    assert reasons.json()["items"] == []


# --- letters -------------------------------------------------------------------------------

def test_every_letter_as_a_page_and_a_pdf(browser_client: Any, web_council: Council) -> None:
    fam = family(browser_client, web_council)
    api_statement(browser_client, fam)
    audit = open_audit(browser_client, fam)
    signed_in(browser_client, fam)
    listing = browser_client.get(f"/for/{fam.ann}/letters")
    assert listing.status_code == 200
    assert "5 January 2026 to 28 February 2026" in words(listing.text)
    html_link, pdf_link = (f"/for/{fam.ann}/letters/{audit['id']}.html",
                           f"/for/{fam.ann}/letters/{audit['id']}.pdf")
    assert f'href="{html_link}"' in listing.text and f'href="{pdf_link}"' in listing.text
    letter = browser_client.get(html_link)
    api_letter = browser_client.get(f"/v1/audits/{audit['id']}/letter.html", headers=fam.council.auth())
    assert letter.status_code == 200 and letter.headers["content-type"].startswith("text/html")
    assert letter.text == api_letter.text and "Ann Parent" in letter.text
    pdf = browser_client.get(pdf_link)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]
    # Ann's letter is not Ben's
    assert browser_client.get(f"/for/{fam.ben}/letters/{audit['id']}.pdf").status_code == 404
    assert "There are no letters yet" in words(browser_client.get(f"/for/{fam.ben}/letters").text)


# --- plain English -------------------------------------------------------------------------

def _readability() -> Any:
    """The letters' own readability scoring (tests/reports), so pages are held to the same rule."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[1] / "reports" / "reports_readability.py"
    spec = importlib.util.spec_from_file_location("reports_readability", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_holder_pages_are_plain_english(browser_client: Any, web_council: Council) -> None:
    readability = _readability()
    fam = family(browser_client, web_council)
    signed_in(browser_client, fam)
    token = hidden_token(browser_client.get(f"/for/{fam.ann}/upload").text)
    result = browser_client.get(send(browser_client, fam, STATEMENT, token=token).headers["location"])
    open_audit(browser_client, fam)
    refused = send(browser_client, fam, b"not a statement", token=token, name="x.csv")
    pages = {"home": browser_client.get("/"), "upload": browser_client.get(f"/for/{fam.ann}/upload"),
             "refused": refused, "result": result,
             "questions": browser_client.get(f"/for/{fam.ann}/questions"),
             "letters": browser_client.get(f"/for/{fam.ann}/letters")}
    for name, page in pages.items():
        main = page.text[page.text.index("<main"):page.text.index("</main>") + 7]
        grade = readability.flesch_kincaid_grade(readability.visible_blocks(main))
        assert grade <= 5, f"{name}: Flesch-Kincaid grade {grade:.1f} is above 5"
        for jargon in ("field", "pointer", "reconciliation", "upload id"):
            assert jargon not in words(page.text).lower(), (name, jargon)


def test_a_holder_downloads_a_copy_of_what_is_held_from_home(browser_client: Any,
                                                            web_council: Council) -> None:
    import io
    import zipfile

    fam = family(browser_client, web_council)
    api_statement(browser_client, fam)
    signed_in(browser_client, fam)
    home = browser_client.get("/")
    assert f'href="/for/{fam.ann}/export.zip"' in home.text
    download = browser_client.get(f"/for/{fam.ann}/export.zip")
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert "README.txt" in archive.namelist()
    assert "records/holder_users.json" not in archive.namelist()  # the holder's pack, not the council's
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"Ann Parent" in everything and b"Sue Stranger" not in everything
    for rid in (fam.stranger, 999999999):
        assert browser_client.get(f"/for/{rid}/export.zip").status_code == 404
