"""The registry of bank CSV layouts: data, not code.

A layout is a short declaration: the header cells that identify it (its signature),
which columns hold the date, the description, the money and the balance, and how the
bank signs its amounts. Header names are compared lower-cased with spaces collapsed.
Headerless exports (HSBC, Barclaycard) name columns by 1-based position instead.

To add a bank: append one ``Layout(...)`` here, then add ``tests/importers/samples/
csv_<name>.csv`` with ``csv_<name>.expected.jsonl`` beside it. Sources for each layout
are in the shared corpus notes (FORMATS.md); "unverified" marks a guess.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    name: str
    signature: tuple[str, ...]  # header cells that must all be present
    date: str
    description: tuple[str, ...]  # non-empty values are joined with " / "
    amount: str | None = None  # one signed column (negative = out, unless spend_positive)
    paid_out: str | None = None  # unsigned money-out column
    paid_in: str | None = None  # unsigned money-in column
    balance: str | None = None
    reference: str | None = None  # bank transaction id
    account: str | None = None
    mcc: str | None = None
    fee: str | None = None  # a fee charged on top of the amount (Revolut)
    spend_positive: bool = False  # card exports that show spending as a positive number
    credit_flag: tuple[str, tuple[str, ...]] | None = None  # (column, words meaning money in)
    skip_when: tuple[str, tuple[str, ...]] | None = None  # (column, values): not yet settled
    headerless: int = 0  # column count of an export with no header row
    note: str = ""


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "lloyds",  # same export from Halifax, Bank of Scotland and (lower-case header) TSB
        ("transaction date", "transaction description", "debit amount", "credit amount"),
        date="transaction date", description=("transaction description",),
        paid_out="debit amount", paid_in="credit amount", balance="balance",
        account="account number",
    ),
    Layout(
        "nationwide",
        ("date", "transaction type", "description", "paid out", "paid in", "balance"),
        date="date", description=("transaction type", "description"),
        paid_out="paid out", paid_in="paid in", balance="balance",
    ),
    Layout(
        "nationwide-legacy",
        ("date", "transactions", "debits", "credits", "balance"),
        date="date", description=("transactions",),
        paid_out="debits", paid_in="credits", balance="balance",
    ),
    Layout(
        "nationwide-rows", (), date="1", description=("2", "3"), paid_out="4", paid_in="5",
        balance="6", headerless=6,
        note="Nationwide statement rows saved without the preamble and header",
    ),
    Layout(
        "midata",  # Nationwide, HSBC and (semicolon-separated) Santander
        ("date", "type", "merchant/description", "debit/credit", "balance"),
        date="date", description=("type", "merchant/description"),
        amount="debit/credit", balance="balance",
    ),
    Layout(
        "barclays",
        ("number", "date", "account", "amount", "subcategory", "memo"),
        date="date", description=("memo",), amount="amount", account="account",
    ),
    Layout(
        "hsbc", (), date="1", description=("2",), amount="3", headerless=3,
        note="no header row: date, description, signed amount",
    ),
    Layout(
        "barclaycard", (), date="1", description=("2",), paid_in="6", paid_out="7",
        headerless=7, note="no header row: date, description, card, holder, category, in, out",
    ),
    Layout(
        "first-direct",  # also any generic Date, Description, Amount, Balance file
        ("date", "description", "amount", "balance"),
        date="date", description=("description",), amount="amount", balance="balance",
    ),
    Layout(
        "natwest",  # also RBS and Ulster Bank
        ("date", "type", "description", "value", "balance", "account number"),
        date="date", description=("description",), amount="value", balance="balance",
        account="account number",
    ),
    Layout(
        "monzo",
        ("transaction id", "date", "name", "amount", "money out", "money in"),
        date="date", description=("name", "description"), amount="amount",
        reference="transaction id", balance="balance",
    ),
    Layout(
        "monzo-legacy",
        ("id", "created", "amount", "currency", "local_amount", "description"),
        date="created", description=("description",), amount="amount", reference="id",
    ),
    Layout(
        "starling",
        ("date", "counter party", "reference", "type", "amount (gbp)", "balance (gbp)"),
        date="date", description=("counter party", "reference"),
        amount="amount (gbp)", balance="balance (gbp)",
    ),
    Layout(
        "co-operative",  # header text unverified (bank2ynab gives only the column order)
        ("date", "description", "type", "money in", "money out", "balance"),
        date="date", description=("description",),
        paid_in="money in", paid_out="money out", balance="balance",
    ),
    Layout(
        "revolut",
        ("type", "product", "started date", "completed date", "description", "amount", "fee"),
        date="started date", description=("description",), amount="amount", fee="fee",
        balance="balance", skip_when=("state", ("pending", "reverted", "declined", "failed")),
    ),
    Layout(
        "wise",
        ("transferwise id", "date", "amount", "currency", "description", "running balance"),
        date="date", description=("description", "payment reference"), amount="amount",
        balance="running balance", reference="transferwise id",
    ),
    Layout(
        "chase-uk",
        ("date", "time", "transaction type", "transaction description", "amount", "balance"),
        date="date", description=("transaction description",), amount="amount",
        balance="balance",
    ),
    Layout(
        "amex-uk",
        ("date", "description", "amount", "extended details", "reference"),
        date="date", description=("description",), amount="amount", reference="reference",
        spend_positive=True,
    ),
    Layout(
        "aqua",
        ("date", "description", "note", "amount(gbp)"),
        date="date", description=("description",), amount="amount(gbp)", spend_positive=True,
    ),
    Layout(
        "tesco-bank-card",
        ("transaction date", "posting date", "billing amount", "merchant", "debit/credit flag"),
        date="transaction date", description=("merchant",), amount="billing amount",
        reference="reference number", mcc="sicmcc code",
        credit_flag=("debit/credit flag", ("credit",)),
    ),
    Layout(
        "john-lewis",
        ("date processed", "description", "amount"),
        date="date processed", description=("description",), amount="amount",
        credit_flag=("4", ("cr",)),
    ),
    Layout(
        "prepaid-card",
        # INVENTED for illustration: no public sample of a UK prepaid DP card platform's
        # export was found. It shows what such platforms carry (MCC, card, a type column
        # with spending as a positive number). Replace with a real export when one arrives.
        ("transaction date", "card number", "merchant name", "mcc", "transaction type",
         "amount", "transaction id"),
        date="transaction date", description=("merchant name",), amount="amount",
        balance="balance", reference="transaction id", account="card number", mcc="mcc",
        credit_flag=("transaction type", ("load", "refund", "credit", "top up", "reversal")),
    ),
)

# Words that identify columns in a generic export nobody declared.
GENERIC_DATE = ("date", "transaction date", "posting date", "posted date", "value date",
                "booking date", "trans date", "date processed", "completed date")
GENERIC_DESCRIPTION = ("description", "details", "transaction description", "narrative",
                       "memo", "payee", "name", "merchant", "transactions", "particulars")
GENERIC_AMOUNT = ("amount", "value", "amount (gbp)", "amount(gbp)", "transaction amount")
GENERIC_OUT = ("paid out", "debit", "debits", "debit amount", "money out", "withdrawals",
               "withdrawal", "out", "outflow")
GENERIC_IN = ("paid in", "credit", "credits", "credit amount", "money in", "deposits",
              "deposit", "in", "inflow")
GENERIC_BALANCE = ("balance", "running balance", "balance (gbp)")

BY_NAME = {layout.name: layout for layout in LAYOUTS}
