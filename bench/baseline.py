#!/usr/bin/env python3
"""Baselines for bench/run.sh, on the clean benchmark export
(`avropskoll sample --clean`): what a user would otherwise write. The
export is as the economy system writes it: Windows-1252, `;`, CRLF, a
three-line title block above the header, `12 345,67`, a totals row.

  baseline.py duckdb   REGISTER CSV START END OUT   per agreement and supplier:
  baseline.py pandas   REGISTER CSV START END OUT   amount, call-offs, actual share
  baseline.py floor    CSV                          polars reads every column as text
  baseline.py compare  ALLOCATION_CSV OUT...        the numbers equal avropskoll's

The window is START..END (ISO dates, inclusive). Shares follow the
register's basis: amount (net SEK) or count (call-offs above zero).
"""
import csv
import sys
import tomllib

HEADER = ["agreement_id", "supplier_name", "amount", "call_offs", "actual_pct"]


def register(path, start, end):
    """(agreement, supplier, basis, valid_from, valid_to) of the agreements
    valid in the window, in register order."""
    with open(path, "rb") as f:
        reg = tomllib.load(f)
    rows = []
    for a in reg["agreement"]:
        vf, vt = str(a["valid_from"]), str(a["valid_to"])
        if vf <= end and vt >= start:
            for s in a["supplier"]:
                rows.append((a["id"], s["name"], a.get("basis", "amount"), vf, vt))
    return rows


def write(out, rows):
    """rows: (agreement, supplier, amount_ore, call_offs, basis) in register order."""
    totals = {}
    for a, _, amount, calls, basis in rows:
        t = totals.setdefault(a, [0, 0])
        t[0] += amount
        t[1] += calls
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for a, s, amount, calls, basis in rows:
            total = totals[a][1] if basis == "count" else totals[a][0]
            value = calls if basis == "count" else amount
            pct = f"{100.0 * value / total:.4f}" if total > 0 else ""
            w.writerow([a, s, f"{amount / 100:.2f}", calls, pct])


def duckdb_baseline(reg_path, csv_path, start, end, out):
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE reg(ord INTEGER, agreement VARCHAR, supplier VARCHAR, basis VARCHAR, vf DATE, vt DATE)")
    con.executemany("INSERT INTO reg VALUES (?, ?, ?, ?, ?, ?)", [(i, *r) for i, r in enumerate(register(reg_path, start, end))])
    rows = con.execute(
        f"""
        WITH src AS (
          SELECT "Avtal" AS agreement, "Leverantör" AS supplier,
                 TRY_CAST("Bokföringsdatum" AS DATE) AS d,
                 CAST(round(CAST(replace(replace("Belopp exkl moms", ' ', ''), ',', '.') AS DECIMAL(18, 2)) * 100) AS BIGINT) AS ore
          FROM read_csv('{csv_path}', delim = ';', header = true, skip = 3, encoding = 'latin-1', all_varchar = true)
          WHERE "Avtal" IS NOT NULL AND "Avtal" <> '' AND d IS NOT NULL
        )
        SELECT r.agreement, r.supplier, coalesce(sum(s.ore), 0), count(s.ore) FILTER (WHERE s.ore > 0), r.basis
        FROM reg r LEFT JOIN src s
          ON s.agreement = r.agreement AND s.supplier = r.supplier
         AND s.d BETWEEN DATE '{start}' AND DATE '{end}' AND s.d BETWEEN r.vf AND r.vt
        GROUP BY r.ord, r.agreement, r.supplier, r.basis
        ORDER BY r.ord
        """
    ).fetchall()
    write(out, [(a, s, int(m), int(c), b) for a, s, m, c, b in rows])


def pandas_baseline(reg_path, csv_path, start, end, out):
    import pandas as pd

    df = pd.read_csv(csv_path, sep=";", dtype=str, keep_default_na=False, skiprows=3, encoding="cp1252")
    df = df[(df["Avtal"] != "") & (df["Bokföringsdatum"].str.match(r"\d{4}-\d\d-\d\d$"))]
    df = df.assign(
        d=pd.to_datetime(df["Bokföringsdatum"], format="%Y-%m-%d"),
        ore=(
            pd.to_numeric(df["Belopp exkl moms"].str.replace(" ", "", regex=False).str.replace(",", ".", regex=False))
            * 100
        )
        .round()
        .astype("int64"),
    )
    df = df[(df["d"] >= start) & (df["d"] <= end)]
    reg = pd.DataFrame(register(reg_path, start, end), columns=["Avtal", "Leverantör", "basis", "vf", "vt"])
    m = df.merge(reg, on=["Avtal", "Leverantör"])
    m = m[(m["d"] >= pd.to_datetime(m["vf"])) & (m["d"] <= pd.to_datetime(m["vt"]))]
    g = m.assign(pos=m["ore"] > 0).groupby(["Avtal", "Leverantör"])[["ore", "pos"]].sum()
    rows = []
    for a, s, basis, vf, vt in register(reg_path, start, end):
        amount, calls = (int(g.loc[(a, s), "ore"]), int(g.loc[(a, s), "pos"])) if (a, s) in g.index else (0, 0)
        rows.append((a, s, amount, calls, basis))
    write(out, rows)


def floor(csv_path):
    import polars as pl

    df = pl.read_csv(csv_path, separator=";", infer_schema=False, skip_rows=3, encoding="utf8-lossy")
    print(df.height)


def compare(allocation, outs):
    """The period rows of allocation.csv against each baseline's output."""
    with open(allocation, newline="") as f:
        ours = {
            (r["agreement_id"], r["supplier_name"]): (r["amount"], r["call_offs"], r["actual_pct"])
            for r in csv.DictReader(f)
            if r["scope"] == "period"
        }
    ok = True
    for out in outs:
        with open(out, newline="") as f:
            theirs = {(r["agreement_id"], r["supplier_name"]): (r["amount"], r["call_offs"], r["actual_pct"]) for r in csv.DictReader(f)}
        if set(theirs) != set(ours):
            print(f"{out}: other agreements/suppliers than allocation.csv", file=sys.stderr)
            ok = False
            continue
        for key, (amount, calls, pct) in ours.items():
            t = theirs[key]
            same_pct = (pct == t[2]) or (pct and t[2] and abs(float(pct) - float(t[2])) <= 0.00011)
            if amount != t[0] or calls != t[1] or not same_pct:
                print(f"{out}: {key}: avropskoll {amount} {calls} {pct} ≠ {t}", file=sys.stderr)
                ok = False
    print("baselines agree with allocation.csv" if ok else "BASELINES DISAGREE")
    return ok


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "duckdb":
        duckdb_baseline(*args)
    elif mode == "pandas":
        pandas_baseline(*args)
    elif mode == "floor":
        floor(*args)
    elif mode == "compare":
        sys.exit(0 if compare(args[0], args[1:]) else 1)
    else:
        sys.exit(f"unknown mode {mode}")
