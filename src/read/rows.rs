//! The rows read, held as columns: what a run holds grows with the rows,
//! never with the bytes of the input. Per row: the date (2 bytes), the
//! amount (4; both see `packed.rs`), the interned combination of the purchase's text fields
//! (4: supplier, org nr, agreement, account; an export repeats a few
//! thousand), the buyer's unit, orderer and order (4 as a combination
//! while they repeat, 12 as three symbols once they are nearly unique per
//! row, a reference or purchase-order number: [`super::buyers`]), the
//! invoice id packed into 8 bytes and one byte of kind and flags — 23
//! bytes, or 31; the record numbers as runs ([`super::lines`]). The file of
//! a row follows from its index (files are contiguous). [`Row`] is one row
//! put back together, by value.

use super::buyers::Buyers;
use super::orderers::{Orderers, Who};
use super::strings::{Strings, Sym};
use crate::parse::Amount;
use std::borrow::Cow;

/// How a row came out of reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// Date and amount readable.
    Normal,
    /// Date unreadable and a cell begins with Summa/Totalt/Total.
    Total,
    /// Date or amount unreadable; see [`super::Rejection`].
    Rejected,
}

/// An invoice id packed into 8 bytes. Ids of 1–17 ASCII digits (leading
/// zeros kept) are held as the number and its digit count; any other text
/// is a span of [`Rows`]'s id arena. Equal packed ids mean equal text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct IdRef(u64);

const TEXT_BIT: u64 = 1 << 63;
const LEN_SHIFT: u32 = 57;
const SPAN_LEN_BITS: u32 = 23;
/// The longest id kept whole (8 MB); a longer cell is cut there.
const MAX_TEXT_ID: usize = (1 << SPAN_LEN_BITS) - 1;

impl IdRef {
    fn numeric(text: &str) -> Option<IdRef> {
        IdRef::digits(text.as_bytes())
    }

    /// An id of 1–17 ASCII digits, from its bytes (no decoding needed).
    pub(crate) fn digits(bytes: &[u8]) -> Option<IdRef> {
        if bytes.is_empty() || bytes.len() > 17 || !bytes.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let value = bytes.iter().fold(0u64, |v, &b| v * 10 + u64::from(b - b'0'));
        Some(IdRef(((bytes.len() as u64) << LEN_SHIFT) | value))
    }

    fn span(start: usize, len: usize) -> IdRef {
        IdRef(TEXT_BIT | ((start as u64) << SPAN_LEN_BITS) | len as u64)
    }

    fn text_span(self) -> Option<(usize, usize)> {
        (self.0 & TEXT_BIT != 0).then(|| {
            let start = ((self.0 & !TEXT_BIT) >> SPAN_LEN_BITS) as usize;
            (start, start + (self.0 & MAX_TEXT_ID as u64) as usize)
        })
    }

    /// The same id with its arena span moved by `offset` bytes.
    fn shifted(self, offset: usize) -> IdRef {
        match self.text_span() {
            Some((a, b)) => IdRef::span(a + offset, b - a),
            None => self,
        }
    }
}

/// An invoice id compared exactly: the packed number, or the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IdKey<'a> {
    Number(u64),
    Text(&'a str),
}

/// What makes a row the same invoice line as another (rule 2): date,
/// amount, purchase combination, buyer symbols, orderer and invoice id.
pub type Identity<'a> = (i32, i64, u32, [Sym; 3], Who, IdKey<'a>);

/// Distinct combinations of `N` text fields of a row: an export repeats a
/// few thousand of them, so each is held once.
#[derive(Default)]
pub struct Combos<const N: usize> {
    list: Vec<[Sym; N]>,
    table: hashbrown::HashTable<u32>,
    state: foldhash::fast::FixedState,
}

impl<const N: usize> std::fmt::Debug for Combos<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Combos({} distinct)", self.list.len())
    }
}

impl<const N: usize> Combos<N> {
    pub fn intern(&mut self, text: [Sym; N]) -> u32 {
        use std::hash::BuildHasher;
        let Combos { list, table, state } = self;
        let hash = state.hash_one(text);
        if let Some(&id) = table.find(hash, |&id| list[id as usize] == text) {
            return id;
        }
        let id = list.len() as u32;
        list.push(text);
        let list = &*list;
        table.insert_unique(hash, id, |&id| state.hash_one(list[id as usize]));
        id
    }

    pub fn get(&self, id: u32) -> [Sym; N] {
        self.list.get(id as usize).copied().unwrap_or([0; N])
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.list.capacity() * N * 4 + self.table.capacity() * 5
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.list.shrink_to_fit();
    }

    pub(crate) fn clear(&mut self) {
        self.list.clear();
        self.table.clear();
    }

    /// The other's combinations interned here (its symbols translated by
    /// `remap`): the new index of each of the other's.
    pub(crate) fn remap(&mut self, other: &Combos<N>, remap: &[Sym]) -> Vec<u32> {
        other
            .list
            .iter()
            .map(|t| self.intern(t.map(|s| remap.get(s as usize).copied().unwrap_or(0))))
            .collect()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }
}

const HAS_DATE: u8 = 1 << 2;
const HAS_AMOUNT: u8 = 1 << 3;
const KIND_MASK: u8 = 3;

/// One row put back together from the columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Index into [`super::Exports::files`].
    pub file: u32,
    /// 1-based record number in the file (sheet row in a workbook).
    pub line: u32,
    /// Days since 1970-01-01, when readable.
    pub date: Option<i32>,
    pub amount: Option<Amount>,
    /// The combination of its purchase's text fields (equal combinations,
    /// equal texts).
    pub combo: u32,
    /// Trimmed text of the fields in [`super::TEXT_FIELDS`] order (the
    /// orderer's 0 when the orderer is held by hash: see `orderer`).
    pub text: [Sym; 7],
    /// The orderer as a key ([`super::orderers`]); its text is
    /// [`super::Exports::orderer_text`].
    pub orderer: Who,
    /// The invoice id; its text is [`super::Exports::id`].
    pub id: IdRef,
    pub kind: RowKind,
}

impl Row {
    /// The interned text of a text field (the orderer's is 0 when the
    /// orderer is held by hash: use [`Row::orderer`]).
    pub fn get(&self, field: super::Field) -> Sym {
        super::TEXT_FIELDS
            .iter()
            .position(|f| *f == field)
            .map_or(0, |i| self.text[i])
    }
}

/// The rows as columns (see the module's text).
#[derive(Debug, Default)]
pub struct Rows {
    date: super::packed::Packed<i32>,
    amount: super::packed::Packed<i64>,
    purchase: Vec<u32>,
    buyer: Buyers,
    line: super::lines::Lines,
    flags: Vec<u8>,
    id: Vec<IdRef>,
    /// The text of ids that are not plain numbers, one after the other.
    id_text: String,
    /// The index of each file's first row (files are contiguous).
    file_starts: Vec<u32>,
    /// The most [`Rows::heap_bytes`] was when the columns last grew.
    peak_bytes: usize,
    purchases: Combos<4>,
    /// The orderer when held by hash, and where records start.
    orderers: Orderers,
}

/// The text fields split into purchase (supplier, org nr, agreement,
/// account) and buyer (unit, orderer, order), and put back.
fn split(t: [Sym; 7]) -> ([Sym; 4], [Sym; 3]) {
    ([t[0], t[1], t[2], t[5]], [t[3], t[4], t[6]])
}

fn join(p: [Sym; 4], b: [Sym; 3]) -> [Sym; 7] {
    [p[0], p[1], p[2], b[0], b[1], p[3], b[2]]
}

/// The rows a piece of [`Rows::fold`] takes (a few in unit tests, so that
/// their small inputs are folded in several pieces too).
const FOLD_PIECE: usize = if cfg!(test) { 7 } else { 1 << 18 };

/// What one row is made of, before it is stored.
pub(crate) struct NewRow<'t> {
    pub line: u32,
    /// Where the row's record starts in the bytes read (CSV only).
    pub at: Option<u64>,
    /// The orderer's key when the rows hold it by hash (the orderer's slot
    /// of `text` is then 0).
    pub orderer: Option<Who>,
    /// The purchase combination ([`Rows::purchase_of`]) when known; the
    /// purchase slots of `text` are then not read.
    pub purchase: Option<u32>,
    /// The id when it is digits, read from its bytes (`id` is then empty).
    pub id_number: Option<IdRef>,
    pub date: Option<i32>,
    pub amount: Option<Amount>,
    pub text: [Sym; 7],
    pub id: &'t str,
    pub kind: RowKind,
}

/// How many rows and id bytes there were: [`Rows::truncate`] goes back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    rows: usize,
    id_text: usize,
    files: usize,
}

impl Rows {
    pub fn len(&self) -> usize {
        self.date.len()
    }

    pub fn is_empty(&self) -> bool {
        self.date.len() == 0
    }

    /// Bytes held per row by the columns besides the buyer's (for the
    /// README's figure): date, amount, purchase, flags, id (the record
    /// numbers are runs: next to nothing).
    pub const BYTES_PER_ROW: usize = 2 + 4 + 4 + 1 + 8;

    /// Bytes a row's buyer takes now: 4 while combined, 12 once loose;
    /// 8 more for the orderer's key when it is held by hash.
    pub fn buyer_bytes_per_row(&self) -> usize {
        self.buyer.bytes_per_row() + if self.orderers.hashed { 8 } else { 0 }
    }

    /// The distinct combinations of text fields held.
    pub fn combinations(&self) -> usize {
        self.purchases.len() + self.buyer.combinations()
    }

    /// The bytes the columns hold now (capacity, the id arena and the
    /// text combinations included).
    pub fn heap_bytes(&self) -> usize {
        self.date.heap_bytes()
            + self.amount.heap_bytes()
            + self.purchase.capacity() * 4
            + self.buyer.heap_bytes()
            + self.line.heap_bytes()
            + self.flags.capacity()
            + self.id.capacity() * 8
            + self.id_text.capacity()
            + self.file_starts.capacity() * 4
            + self.purchases.heap_bytes()
            + self.orderers.heap_bytes()
    }

    /// Marks the start of a new file's rows.
    #[cfg(test)]
    pub(crate) fn start_file(&mut self) {
        self.file_starts.push(self.len() as u32);
    }

    /// Records that a file's rows began at `mark` (called once the file is
    /// known to be an export, after its rows were read).
    pub(crate) fn file_from(&mut self, mark: Mark) {
        self.file_starts.push(mark.rows as u32);
    }

    pub(crate) fn mark(&self) -> Mark {
        Mark {
            rows: self.len(),
            id_text: self.id_text.len(),
            files: self.file_starts.len(),
        }
    }

    /// Drops everything after `mark` (a file read again in another encoding).
    pub(crate) fn truncate(&mut self, mark: Mark) {
        self.date.truncate(mark.rows);
        self.amount.truncate(mark.rows);
        self.purchase.truncate(mark.rows);
        self.buyer.truncate(mark.rows);
        self.line.truncate(mark.rows);
        self.flags.truncate(mark.rows);
        self.id.truncate(mark.rows);
        self.id_text.truncate(mark.id_text);
        self.file_starts.truncate(mark.files);
        self.orderers.truncate(mark.rows);
    }

    /// Forgets every row, keeping the memory (a chunk's columns, used again).
    pub(crate) fn clear(&mut self) {
        self.truncate(Mark {
            rows: 0,
            id_text: 0,
            files: 0,
        });
        self.purchases.clear();
        self.buyer.clear();
        self.orderers.clear();
    }

    /// Gives back the capacity the columns do not use.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.date.shrink_to_fit();
        self.amount.shrink_to_fit();
        self.purchase.shrink_to_fit();
        self.buyer.shrink_to_fit();
        self.line.shrink_to_fit();
        self.flags.shrink_to_fit();
        self.id.shrink_to_fit();
        self.id_text.shrink_to_fit();
        self.purchases.list.shrink_to_fit();
        self.orderers.shrink_to_fit();
    }

    /// Room for `rows` more rows. The columns grow by a quarter at a time
    /// (not doubling), so that they never hold much more than the rows.
    pub(crate) fn reserve(&mut self, rows: usize) {
        let len = self.len();
        if self.date.capacity() - len >= rows {
            return;
        }
        let more = rows.max(len / 4);
        self.date.reserve_exact(more);
        self.amount.reserve_exact(more);
        self.purchase.reserve_exact(more);
        self.buyer.reserve(more);
        self.flags.reserve_exact(more);
        self.id.reserve_exact(more);
        if self.orderers.hashed {
            self.orderers.keys.reserve_exact(more);
        }
        self.peak_bytes = self.peak_bytes.max(self.heap_bytes());
    }

    /// The most the columns held at any time while reading ([`Rows::heap_bytes`]).
    pub fn peak_bytes(&self) -> usize {
        self.peak_bytes.max(self.heap_bytes())
    }

    pub(crate) fn push(&mut self, row: NewRow) {
        if self.orderers.hashed {
            if let Some(at) = row.at {
                self.orderers.note_position(self.len(), at);
            }
            self.orderers.keys.push(row.orderer.map_or(0, Who::key));
        }
        let (p, b) = split(row.text);
        let purchase = row.purchase.unwrap_or_else(|| self.purchases.intern(p));
        self.push_raw(row.line, row.date, row.amount, (purchase, b), row.kind);
        let id = match row.id_number.or_else(|| IdRef::numeric(row.id)) {
            Some(id) => id,
            None if row.id.is_empty() => IdRef::default(),
            None => {
                let mut end = row.id.len().min(MAX_TEXT_ID);
                while !row.id.is_char_boundary(end) {
                    end -= 1;
                }
                let start = self.id_text.len();
                self.id_text.push_str(row.id.get(..end).unwrap_or(""));
                IdRef::span(start, end)
            }
        };
        self.id.push(id);
    }

    fn push_raw(
        &mut self,
        line: u32,
        date: Option<i32>,
        amount: Option<Amount>,
        combo: (u32, [Sym; 3]),
        kind: RowKind,
    ) {
        let kind_bits = match kind {
            RowKind::Normal => 0,
            RowKind::Total => 1,
            RowKind::Rejected => 2,
        };
        let flags =
            kind_bits | if date.is_some() { HAS_DATE } else { 0 } | if amount.is_some() { HAS_AMOUNT } else { 0 };
        self.date.push(date.unwrap_or(0));
        self.amount.push(amount.map_or(0, |a| a.0));
        self.purchase.push(combo.0);
        self.buyer.push(combo.1);
        self.line.push(line);
        self.flags.push(flags);
    }

    /// Appends another [`Rows`] (read with the strings `remap` translates
    /// into this one's, `strings`), its record numbers moved by
    /// `line_offset` and its record positions by `at_base`. The other's
    /// files continue the last file of this one.
    pub(crate) fn append(
        &mut self,
        other: &Rows,
        remap: &[Sym],
        (line_offset, at_base): (u32, u64),
        strings: &Strings,
    ) {
        if other.orderers.hashed {
            self.hash_orderers(strings);
        }
        let purchases = self.purchases.remap(&other.purchases, remap);
        let base = self.len() as u32;
        self.orderers
            .anchors
            .extend(other.orderers.anchors.iter().map(|&(r, at)| (r + base, at + at_base)));
        self.file_starts.extend(other.file_starts.iter().map(|s| s + base));
        self.reserve(other.len());
        self.date.append(&other.date);
        self.amount.append(&other.amount);
        let moved = |ids: &[u32], to: &[u32]| -> Vec<u32> {
            ids.iter().map(|&c| to.get(c as usize).copied().unwrap_or(0)).collect()
        };
        self.purchase.extend(moved(&other.purchase, &purchases));
        self.append_buyers(other, remap, strings);
        self.line.append(&other.line, line_offset);
        self.flags.extend_from_slice(&other.flags);
        let offset = self.id_text.len();
        self.id_text.push_str(&other.id_text);
        self.id.extend(other.id.iter().map(|id| id.shifted(offset)));
    }

    /// The buyer columns of `other` after this one's (see [`Rows::append`]).
    fn append_buyers(&mut self, other: &Rows, remap: &[Sym], strings: &Strings) {
        let sym = |s: Sym| remap.get(s as usize).copied().unwrap_or(0);
        if !self.orderers.hashed {
            self.buyer.append(&other.buyer, remap);
        } else if other.orderers.hashed {
            self.buyer.append(&other.buyer, remap);
            self.orderers.keys.extend_from_slice(&other.orderers.keys);
            for (&key, &s) in &other.orderers.kept {
                self.orderers.kept.entry(key).or_insert(sym(s));
            }
        } else {
            // Interned there, held by hash here: the texts kept.
            for i in 0..other.len() {
                let [unit, orderer, order] = other.buyer.get(i).map(sym);
                let key = self.orderers.keep(strings, orderer);
                self.orderers.keys.push(key);
                self.buyer.push([unit, 0, order]);
            }
        }
    }

    /// The purchase combination of supplier, org nr, agreement and
    /// account (symbols), for [`NewRow::purchase`].
    pub(crate) fn purchase_of(&mut self, p: [Sym; 4]) -> u32 {
        self.purchases.intern(p)
    }

    /// Holds the orderer by hash from now on (see [`super::orderers`]):
    /// the rows so far keep their texts (`strings`) by key.
    pub(crate) fn hash_orderers(&mut self, strings: &Strings) {
        if self.orderers.hashed {
            return;
        }
        let mut buyer = Buyers::default();
        buyer.reserve(self.date.capacity());
        let mut keys = Vec::with_capacity(self.date.capacity());
        self.orderers.keep(strings, 0);
        for i in 0..self.len() {
            let [unit, orderer, order] = self.buyer.get(i);
            keys.push(self.orderers.keep(strings, orderer));
            buyer.push([unit, 0, order]);
        }
        self.buyer = buyer;
        self.orderers.keys = keys;
        self.orderers.hashed = true;
    }

    /// Whether the orderer is held by hash ([`super::orderers`]).
    pub fn orderers_hashed(&self) -> bool {
        self.orderers.hashed
    }

    /// Row `i`'s orderer as a key.
    pub fn orderer(&self, i: usize) -> Who {
        if self.orderers.hashed {
            Who::from_key(self.orderers.keys.get(i).copied().unwrap_or(0))
        } else {
            Who::of_sym(self.buyer.get(i)[1])
        }
    }

    /// The text of an orderer `who` when it is held in memory: interned,
    /// or kept by key (else it is read again from the file).
    pub(crate) fn orderer_sym(&self, who: Who) -> Option<Sym> {
        who.sym().or_else(|| self.orderers.kept.get(&who.key()).copied())
    }

    /// Where to read row `i`'s record again: the nearest kept row before
    /// it in the same file, its record's offset in the file, and how many
    /// records after it row `i`'s is.
    pub(crate) fn position(&self, i: usize) -> Option<(u64, usize)> {
        let (r, at) = self.orderers.anchor_before(i)?;
        if self.file_of(r) != self.file_of(i) {
            return None;
        }
        let skip = self.line.get(i)?.checked_sub(self.line.get(r)?)?;
        Some((at, skip as usize))
    }

    /// The file (index) of row `i`.
    pub fn file_of(&self, i: usize) -> u32 {
        (self.file_starts.partition_point(|&s| s as usize <= i) as u32).saturating_sub(1)
    }

    /// Row `i` put back together (a default row past the end).
    pub fn at(&self, i: usize) -> Row {
        self.build(i, self.file_of(i))
    }

    pub fn get(&self, i: usize) -> Option<Row> {
        (i < self.len()).then(|| self.at(i))
    }

    fn build(&self, i: usize, file: u32) -> Row {
        let (kind, date, amount) = self.basics(i);
        let combo = self.purchase.get(i).copied().unwrap_or(0);
        let buyer = self.buyer.get(i);
        Row {
            file,
            line: self.line.get(i).unwrap_or(0),
            date,
            amount: amount.map(Amount),
            combo,
            text: join(self.purchases.get(combo), buyer),
            orderer: self.orderer(i),
            id: self.id.get(i).copied().unwrap_or_default(),
            kind,
        }
    }

    /// Every row in order.
    pub fn iter(&self) -> impl Iterator<Item = Row> + '_ {
        let mut file = 0u32;
        (0..self.len()).map(move |i| {
            while self
                .file_starts
                .get(file as usize + 1)
                .is_some_and(|&s| s as usize <= i)
            {
                file += 1;
            }
            self.build(i, file)
        })
    }

    /// Row `i`'s unit, orderer and order, without the rest of the row.
    pub(crate) fn buyer(&self, i: usize) -> [Sym; 3] {
        self.buyer.get(i)
    }

    /// Row `i`'s kind, date and amount, without the rest of the row.
    pub fn basics(&self, i: usize) -> (RowKind, Option<i32>, Option<i64>) {
        let flags = self.flags.get(i).copied().unwrap_or(2);
        let kind = match flags & KIND_MASK {
            0 => RowKind::Normal,
            1 => RowKind::Total,
            _ => RowKind::Rejected,
        };
        (
            kind,
            (flags & HAS_DATE != 0).then(|| self.date.get(i).unwrap_or(0)),
            (flags & HAS_AMOUNT != 0).then(|| self.amount.get(i).unwrap_or(0)),
        )
    }

    /// A pass over all rows in pieces side by side: `piece` folds a range
    /// of rows into what `empty` makes, `merge` joins the results of
    /// neighbouring ranges, the earlier first.
    pub fn fold<T: Send>(
        &self,
        empty: impl Fn() -> T + Sync + Send,
        piece: impl Fn(T, std::ops::Range<usize>) -> T + Sync + Send,
        merge: impl Fn(T, T) -> T + Sync + Send,
    ) -> T {
        use rayon::prelude::*;
        let n = self.len();
        (0..n.div_ceil(FOLD_PIECE))
            .into_par_iter()
            .map(|p| piece(empty(), p * FOLD_PIECE..((p + 1) * FOLD_PIECE).min(n)))
            .reduce(&empty, merge)
    }

    /// The dates of the rows in `range` (`None` when unreadable), for
    /// quick passes.
    pub fn dates(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = Option<i32>> + '_ {
        let f = self.flags.get(range.clone()).unwrap_or(&[]);
        self.date
            .range(range)
            .zip(f)
            .map(|(d, &f)| d.filter(|_| f & HAS_DATE != 0))
    }

    /// What makes row `i` the same invoice line as another (rule 2): date,
    /// amount, text fields and invoice id; `None` unless the row is normal.
    pub fn identity(&self, i: usize) -> Option<Identity<'_>> {
        let flags = *self.flags.get(i)?;
        if flags != HAS_DATE | HAS_AMOUNT {
            return None;
        }
        let id = *self.id.get(i)?;
        let key = match id.text_span() {
            Some((a, b)) => IdKey::Text(self.id_text.get(a..b).unwrap_or("")),
            None => IdKey::Number(id.0),
        };
        Some((
            self.date.get(i)?,
            self.amount.get(i)?,
            *self.purchase.get(i)?,
            self.buyer.get(i),
            self.orderer(i),
            key,
        ))
    }

    /// The purchase combination of every row, and the text fields
    /// (supplier, org nr, agreement, account) of each combination.
    pub fn purchases(&self) -> (&[u32], &[[Sym; 4]]) {
        (&self.purchase, &self.purchases.list)
    }

    /// The amounts (fixed point) of the rows in `range`, when readable.
    pub fn amounts(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = Option<i64>> + '_ {
        let f = self.flags.get(range.clone()).unwrap_or(&[]);
        self.amount
            .range(range)
            .zip(f)
            .map(|(a, &f)| a.filter(|_| f & HAS_AMOUNT != 0))
    }

    /// An id's text.
    pub fn id_text(&self, id: IdRef) -> Cow<'_, str> {
        match id.text_span() {
            Some((a, b)) => Cow::Borrowed(self.id_text.get(a..b).unwrap_or("")),
            None => {
                let len = (id.0 >> LEN_SHIFT) as usize;
                if len == 0 {
                    Cow::Borrowed("")
                } else {
                    Cow::Owned(format!("{:0len$}", id.0 & ((1 << LEN_SHIFT) - 1)))
                }
            }
        }
    }
}

/// The strings of `other` interned into `strings`: the new symbol of each
/// of `other`'s.
pub(crate) fn remap_strings(strings: &mut Strings, other: &Strings) -> Vec<Sym> {
    strings.merge(other)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'t>(line: u32, text: [Sym; 7], id: &'t str) -> NewRow<'t> {
        NewRow {
            line,
            at: None,
            orderer: None,
            purchase: None,
            id_number: None,
            date: Some(19_000),
            amount: Some(Amount(125_000)),
            text,
            id,
            kind: RowKind::Normal,
        }
    }

    #[test]
    fn ids_round_trip_exactly() {
        let mut rows = Rows::default();
        rows.start_file();
        let ids = [
            "",
            "0",
            "007",
            "12345678901234567",
            "123456789012345678",
            "F-2024/1",
            "åäö",
            " 12",
        ];
        for (i, id) in ids.iter().enumerate() {
            rows.push(row(i as u32 + 1, [0; 7], id));
        }
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(rows.id_text(rows.at(i).id), *id);
        }
        // Equal packed ids exactly when the texts are equal.
        assert_ne!(rows.at(1).id, rows.at(2).id);
        assert_eq!(IdRef::numeric("007"), IdRef::numeric("007"));
        assert_ne!(IdRef::numeric("07"), IdRef::numeric("007"));
    }

    #[test]
    fn columns_give_back_what_was_pushed_across_files_and_appends() {
        let mut a = Rows::default();
        a.start_file();
        a.push(row(5, [1, 2, 3, 4, 5, 6, 7], "A-1"));
        a.push(NewRow {
            line: 6,
            at: None,
            orderer: None,
            purchase: None,
            id_number: None,
            date: None,
            amount: None,
            text: [0; 7],
            id: "",
            kind: RowKind::Rejected,
        });
        let mut b = Rows::default();
        b.start_file();
        b.push(row(2, [1, 0, 0, 0, 0, 0, 0], "B-7"));
        b.start_file();
        b.push(row(9, [2, 0, 0, 0, 0, 0, 0], "42"));
        let remap: Vec<Sym> = (0..10).map(|s| s * 10).collect();
        a.append(&b, &remap, (100, 0), &Strings::default());
        assert_eq!(a.len(), 4);
        let all: Vec<Row> = a.iter().collect();
        assert_eq!(all.iter().map(|r| r.file).collect::<Vec<_>>(), [0, 0, 1, 2]);
        assert_eq!(all.iter().map(|r| r.line).collect::<Vec<_>>(), [5, 6, 102, 109]);
        assert_eq!(all[0].text, [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(all[2].text, [10, 0, 0, 0, 0, 0, 0]);
        assert_eq!(all[1].date, None);
        assert_eq!(all[1].kind, RowKind::Rejected);
        assert_eq!(all[3].amount, Some(Amount(125_000)));
        assert_eq!(a.id_text(all[2].id), "B-7");
        assert_eq!(a.id_text(all[0].id), "A-1");
        assert_eq!(
            all.iter().map(|r| r.file).collect::<Vec<_>>(),
            (0..4).map(|i| a.at(i).file).collect::<Vec<_>>()
        );
        let mark = Rows::mark(&a);
        a.push(row(1, [0; 7], "x"));
        a.truncate(mark);
        assert_eq!(a.len(), 4);
    }
}
