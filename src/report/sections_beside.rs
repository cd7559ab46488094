//! The section workbooks' sheet *Vid sidan av avtalen* (rule 15): the
//! section's own purchases beside the agreements in the window, each with
//! the agreement that should have been used, and whether its supplier is
//! over the direct-award limit.

use super::compliance_csv::agreement_ids;
use super::labels::Labels;
use super::sections::Group;
use super::sheet::{print_setup, Formats};
use super::xlsx::{excel_date, kronor};
use super::Context;
use crate::allocate::beside::BesideRow;
use crate::parse;
use crate::read::Field;
use rust_xlsxwriter::{Table, TableColumn, Workbook, Worksheet, XlsxError};
use std::collections::{BTreeMap, HashSet};

/// The sheet's name.
fn sheet_name(ctx: &Context) -> &'static str {
    ctx.lang.pick("Vid sidan av avtalen", "Beside the agreements")
}

/// Groups for the units (or sections) with purchases beside the agreements
/// in the window that have none yet: they get a workbook too.
pub(crate) fn add_groups(ctx: &Context, by_name: &mut BTreeMap<String, Group>, used: &mut HashSet<String>) {
    // Units are few: each unit's group is worked out once.
    let mut names: std::collections::HashMap<crate::read::Sym, String> = std::collections::HashMap::new();
    for (k, r) in ctx.beside.rows.iter().enumerate() {
        let unit = ctx.exports.rows.buyer(r.row as usize)[0];
        let name = names
            .entry(unit)
            .or_insert_with(|| super::sections::group_name(ctx, unit));
        if !used.contains(name.as_str()) {
            used.insert(name.clone());
        }
        match by_name.get_mut(name.as_str()) {
            Some(group) => group.beside.push(k),
            None => {
                let group = Group {
                    name: name.clone(),
                    beside: vec![k],
                    ..Group::default()
                };
                by_name.insert(name.clone(), group);
            }
        }
    }
}

/// The group's beside rows in the window, in row order.
fn rows_of<'a>(ctx: &'a Context, group: &Group) -> Vec<&'a BesideRow> {
    group.beside.iter().filter_map(|&k| ctx.beside.rows.get(k)).collect()
}

/// Adds the sheet when the group has purchases beside the agreements.
pub(crate) fn beside_sheet(
    wb: &mut Workbook,
    ctx: &Context,
    group: &Group,
    f: &Formats,
    l: &Labels,
) -> Result<(), XlsxError> {
    let rows = rows_of(ctx, group);
    if rows.is_empty() {
        return Ok(());
    }
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(ctx))?;
    let at: Vec<usize> = rows.iter().map(|r| r.row as usize).collect();
    let orderers = ctx.exports.orderer_texts(&at);
    for ((k, r), orderer) in rows.iter().enumerate().zip(&orderers) {
        write_row(ws, ctx, (1 + k as u32, r, orderer), f)?;
    }
    let heads: [&str; 10] = ctx.lang.pick(
        [
            "Datum",
            "Konto",
            "Leverantör",
            "Org.nr",
            "Belopp (kr)",
            "Enhet",
            "Beställare",
            "Verifikation",
            "Avtal som borde ha använts",
            "Över direktupphandlingsgränsen i år",
        ],
        [
            "Date",
            "Account",
            "Supplier",
            "Org nr",
            "Amount (SEK)",
            "Unit",
            "Orderer",
            "Voucher",
            "Agreement that should have been used",
            "Over the direct-award limit this year",
        ],
    );
    let columns: Vec<TableColumn> = heads.iter().map(|h| TableColumn::new().set_header(*h)).collect();
    ws.add_table(0, 0, rows.len() as u32, 9, &Table::new().set_columns(&columns))?;
    ws.set_freeze_panes(1, 0)?;
    for (c, width) in [12, 10, 30, 14, 15, 20, 22, 16, 58, 30].iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
    }
    print_setup(ws, Some((0, 0)), l)
}

fn write_row(
    ws: &mut Worksheet,
    ctx: &Context,
    (r, b, orderer): (u32, &BesideRow, &str),
    f: &Formats,
) -> Result<(), XlsxError> {
    let row = ctx.exports.rows.at(b.row as usize);
    let supplier = ctx.beside.suppliers.get(b.supplier as usize);
    let account = ctx
        .beside
        .accounts
        .get(b.account as usize)
        .map_or("", |a| a.account.as_str());
    // Left-aligned in a wider column: the date never runs into the account.
    ws.write_datetime_with_format(r, 0, excel_date(parse::days_to_date(b.date))?, &f.date_left)?;
    ws.write_string_with_format(r, 1, account, &f.text)?;
    ws.write_string_with_format(r, 2, ctx.text(row.get(Field::Supplier)), &f.text)?;
    let org = supplier
        .and_then(|s| s.org_nr)
        .map(|o| o.to_string())
        .unwrap_or_default();
    ws.write_string_with_format(r, 3, org, &f.text)?;
    ws.write_number_with_format(r, 4, kronor(b.amount), &f.sek)?;
    super::sheet::unit_cell(ws, (r, 5), 20.0, ctx, row.get(Field::Unit), ("", &f.text_gap))?;
    ws.write_string_with_format(r, 6, orderer, &f.text)?;
    ws.write_string_with_format(r, 7, ctx.exports.id(&row), &f.text)?;
    let should = agreement_ids(ctx.register, &ctx.beside.agreements_for(ctx.register, b)).replace(';', ", ");
    ws.write_string_with_format(r, 8, should, &f.text)?;
    let over = supplier.is_some_and(|s| s.over_limit);
    ws.write_string(r, 9, if over { ctx.lang.pick("Ja", "Yes") } else { "" })?;
    Ok(())
}
