//! The interner for the text fields of all rows: rows stay small and
//! comparing or hashing them is cheap. The strings live in one arena (no
//! allocation per string); a hash table of indices finds them.

/// An interned string: the index into [`Strings`]. 0 is the empty string.
pub type Sym = u32;

/// String interner for the text fields of all rows: rows stay small and
/// comparing or hashing them is cheap. The strings live in one arena (no
/// allocation per string), each known by where it ends; a hash table of
/// indices finds them. Each string's hash is kept (4 bytes), so that a
/// lookup reads a string's text only when its hash agrees (not for every
/// near match in the table, a cache miss into the arena each), the table
/// grows without hashing a string again, and a chunk's strings are merged
/// into the run's without hashing them again ([`Strings::merge`]).
pub struct Strings {
    arena: String,
    /// Where each string ends in the arena (it starts where the one
    /// before ends).
    ends: Ends,
    /// 32 bits of each string's hash.
    hashes: Vec<u32>,
    table: hashbrown::HashTable<Sym>,
}

impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Strings({} distinct)", self.ends.len())
    }
}

impl Default for Strings {
    fn default() -> Self {
        let mut s = Strings {
            arena: String::new(),
            ends: Ends::default(),
            hashes: Vec::new(),
            table: hashbrown::HashTable::new(),
        };
        s.intern("");
        s
    }
}

/// Where each string ends in an arena, in 4 bytes a string: the low 32
/// bits of each end, and the first string ending past each further 4 GiB
/// (an arena that large is rare; a near-unique field has as many strings
/// as rows, so 4 bytes a row are saved).
#[derive(Debug, Default)]
struct Ends {
    low: Vec<u32>,
    /// The string whose end first reaches (k + 1)·4 GiB, for each k.
    wraps: Vec<Sym>,
}

impl Ends {
    fn len(&self) -> usize {
        self.low.len()
    }

    /// Where string `i` ends.
    fn get(&self, i: usize) -> Option<usize> {
        let low = u64::from(*self.low.get(i)?);
        let high = self.wraps.partition_point(|&w| w as usize <= i) as u64;
        usize::try_from(high << 32 | low).ok()
    }

    /// Where string `i` starts: where the one before ends.
    fn start(&self, i: usize) -> usize {
        i.checked_sub(1).and_then(|p| self.get(p)).unwrap_or(0)
    }

    /// A string ending at `end` (not before the last one's end).
    fn push(&mut self, end: usize) {
        let id = self.low.len() as Sym;
        while (end as u64 >> 32) > self.wraps.len() as u64 {
            self.wraps.push(id);
        }
        self.low.push(end as u32);
    }

    fn clear(&mut self) {
        self.low.clear();
        self.wraps.clear();
    }

    fn shrink_to_fit(&mut self) {
        self.low.shrink_to_fit();
        self.wraps.shrink_to_fit();
    }

    fn heap_bytes(&self) -> usize {
        self.low.capacity() * 4 + self.wraps.capacity() * 4
    }
}

/// 32 bits of a string's hash (the same in every [`Strings`]).
fn hash32(s: &str) -> u32 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(s) as u32
}

/// The table's 64-bit hash from the 32 kept: spread over all 64 bits
/// (the table takes its bucket from the low bits and a tag from the top).
fn spread(h: u32) -> u64 {
    u64::from(h).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(h)
}

impl Strings {
    pub fn intern(&mut self, s: &str) -> Sym {
        self.intern_hashed(s, hash32(s))
    }

    /// [`Strings::intern`] with the string's [`hash32`] known.
    fn intern_hashed(&mut self, s: &str, h: u32) -> Sym {
        if self.hashes.len() != self.ends.len() {
            self.rebuild();
        }
        let Strings {
            arena,
            ends,
            hashes,
            table,
        } = self;
        let text = |id: Sym| {
            let i = id as usize;
            arena.get(ends.start(i)..ends.get(i).unwrap_or(0)).unwrap_or("")
        };
        // The hash kept compared first: the text is read only when it agrees.
        let same = |id: &Sym| hashes.get(*id as usize) == Some(&h) && text(*id) == s;
        let rehash = |id: &Sym| spread(hashes.get(*id as usize).copied().unwrap_or(0));
        // One probe of the table finds the string or the slot for it (a
        // table as big as the rows is a cache miss a probe).
        let slot = match table.entry(spread(h), same, rehash) {
            hashbrown::hash_table::Entry::Occupied(e) => return *e.get(),
            hashbrown::hash_table::Entry::Vacant(v) => v,
        };
        let id = ends.len() as Sym;
        slot.insert(id);
        arena.push_str(s);
        ends.push(arena.len());
        hashes.push(h);
        id
    }

    /// Interns every string of `other`, in order, without hashing them
    /// again: the new symbol of each of `other`'s. The arena grows by a
    /// quarter at a time at least, never doubling past what it holds.
    pub(crate) fn merge(&mut self, other: &Strings) -> Vec<Sym> {
        let more = other.arena.len();
        if self.arena.capacity() - self.arena.len() < more {
            self.arena.reserve_exact(more.max(self.arena.len() / 4));
        }
        let hashes = &self.hashes;
        self.table
            .reserve(other.len(), |&id| spread(hashes.get(id as usize).copied().unwrap_or(0)));
        if other.hashes.len() != other.len() {
            // Shrunk: its strings hashed again.
            return other.iter().map(|s| self.intern(s)).collect();
        }
        other
            .iter()
            .zip(&other.hashes)
            .map(|(s, &h)| self.intern_hashed(s, h))
            .collect()
    }

    /// Gives back what only interning needs (the hash table and the
    /// hashes, a fifth of what a run's strings hold when most are nearly
    /// unique) and the arena's spare room, once reading is over. Interning
    /// again rebuilds them.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.table = hashbrown::HashTable::new();
        self.hashes = Vec::new();
        self.arena.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// The hashes and the table again, after [`Strings::shrink_to_fit`].
    fn rebuild(&mut self) {
        let hashes: Vec<u32> = self.iter().map(hash32).collect();
        let mut table = hashbrown::HashTable::with_capacity(hashes.len());
        for (id, &h) in hashes.iter().enumerate() {
            table.insert_unique(spread(h), id as Sym, |&id| {
                spread(hashes.get(id as usize).copied().unwrap_or(0))
            });
        }
        self.hashes = hashes;
        self.table = table;
    }

    /// Forgets every string but the empty one, keeping the memory.
    pub fn clear(&mut self) {
        self.arena.clear();
        self.ends.clear();
        self.hashes.clear();
        self.table.clear();
        self.intern("");
    }

    pub fn get(&self, id: Sym) -> &str {
        let i = id as usize;
        self.ends
            .get(i)
            .and_then(|end| self.arena.get(self.ends.start(i)..end))
            .unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.len() <= 1
    }

    /// Every string, in order of their [`Sym`].
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let mut start = 0;
        (0..self.ends.len()).map(move |i| {
            let end = self.ends.get(i).unwrap_or(start);
            let s = self.arena.get(start..end).unwrap_or("");
            start = end;
            s
        })
    }

    /// The bytes held (arena, ends, hashes and table).
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity() + self.ends.heap_bytes() + self.hashes.capacity() * 4 + self.table.capacity() * 5
    }
}

/// What a chunk remembers between records: the text fields' symbols by
/// their raw bytes, and the last date cell (rows come mostly in date
/// order, so most dates are the one before).
#[derive(Default)]
pub(crate) struct RawCache {
    syms: RawSyms,
    pub(crate) date: (Vec<u8>, Option<chrono::NaiveDate>),
    /// Where a value is decoded before it is interned.
    scratch: String,
    /// Per text field (and the unit name, slot 7): values looked up and
    /// values met for the first time.
    looks: [u32; 8],
    misses: [u32; 8],
}

/// Lookups before a field's cache is judged.
const JUDGED_AFTER: u32 = 4096;

impl RawCache {
    /// Emptied for another chunk, its memory kept.
    pub(crate) fn clear(&mut self) {
        self.syms.clear();
        self.date.0.clear();
        self.date.1 = None;
        self.looks = [0; 8];
        self.misses = [0; 8];
    }

    /// Whether text field `field`'s values were judged nearly all new.
    pub(crate) fn nearly_unique(&self, field: usize) -> bool {
        match (self.looks.get(field), self.misses.get(field)) {
            (Some(&looks), Some(&misses)) => looks >= JUDGED_AFTER && misses > looks / 8 * 7,
            _ => false,
        }
    }

    /// The kept buffer, emptied, to decode a value into.
    pub(crate) fn scratch(&mut self) -> &mut String {
        self.scratch.clear();
        &mut self.scratch
    }

    /// The symbol of text field `field`'s `raw` bytes, from `make` the
    /// first time. A field whose values are nearly all new (a reference or
    /// purchase-order number per row) is not cached: after
    /// [`JUDGED_AFTER`] lookups with over 7 in 8 new, `make` is called
    /// directly (the cache would only cost a copy and a hash). `make` gets
    /// an empty string to decode into (kept, so that decoding allocates
    /// nothing).
    pub(crate) fn sym(&mut self, field: usize, raw: &[u8], make: impl FnOnce(&mut String) -> Sym) -> Sym {
        self.scratch.clear();
        let (Some(looks), Some(misses)) = (self.looks.get_mut(field), self.misses.get_mut(field)) else {
            return make(&mut self.scratch);
        };
        if *looks >= JUDGED_AFTER && *misses > *looks / 8 * 7 {
            return make(&mut self.scratch);
        }
        *looks = looks.saturating_add(1);
        let mut missed = false;
        let scratch = &mut self.scratch;
        let sym = self.syms.get(raw, || {
            missed = true;
            make(scratch)
        });
        if missed {
            *misses += 1;
        }
        sym
    }
}

/// A chunk's cache from the raw bytes of a record's purchase fields
/// (supplier, org nr, agreement, account: a few hundred combinations in an
/// export) to their combination in the chunk's rows: one lookup a row
/// instead of four and the combination's. Judged like [`RawCache::sym`]:
/// when nearly every key is new, it is not kept.
#[derive(Default)]
pub(crate) struct RawCombos {
    syms: RawSyms,
    /// The key being built (the fields' bytes, each with its length).
    key: Vec<u8>,
    looks: u32,
    misses: u32,
}

impl RawCombos {
    /// Emptied for another chunk, its memory kept.
    pub(crate) fn clear(&mut self) {
        self.syms.clear();
        self.looks = 0;
        self.misses = 0;
    }

    /// The key emptied, to build a record's in.
    pub(crate) fn key(&mut self) -> &mut Vec<u8> {
        self.key.clear();
        &mut self.key
    }

    /// The combination of the key built, from `make` the first time.
    pub(crate) fn get(&mut self, make: impl FnOnce() -> u32) -> u32 {
        if self.looks >= JUDGED_AFTER && self.misses > self.looks / 8 * 7 {
            return make();
        }
        self.looks += 1;
        let RawCombos { syms, key, misses, .. } = self;
        syms.get(key, || {
            *misses += 1;
            make()
        })
    }
}

/// A chunk's cache from a text field's raw bytes (as in the file, before
/// decoding and trimming) to its interned [`Sym`]: a value met again is
/// neither decoded nor trimmed again. Each entry keeps where its bytes are
/// in the arena, its symbol and 32 bits of its hash, compared before the
/// bytes and used when the table grows.
#[derive(Default)]
struct RawSyms {
    arena: Vec<u8>,
    table: hashbrown::HashTable<RawEntry>,
    state: foldhash::fast::FixedState,
}

#[derive(Clone, Copy)]
struct RawEntry {
    start: usize,
    end: usize,
    sym: Sym,
    hash: u32,
}

impl RawSyms {
    fn clear(&mut self) {
        self.arena.clear();
        self.table.clear();
    }

    /// The symbol of `raw`, from `make` the first time.
    fn get(&mut self, raw: &[u8], make: impl FnOnce() -> Sym) -> Sym {
        use std::hash::BuildHasher;
        let RawSyms { arena, table, state } = self;
        let hash = state.hash_one(raw);
        let h = hash as u32;
        let same = |e: &RawEntry| e.hash == h && arena.get(e.start..e.end) == Some(raw);
        if let Some(e) = table.find(spread(h), same) {
            return e.sym;
        }
        let sym = make();
        let start = arena.len();
        arena.extend_from_slice(raw);
        let entry = RawEntry {
            start,
            end: arena.len(),
            sym,
            hash: h,
        };
        table.insert_unique(spread(h), entry, |e| spread(e.hash));
        sym
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_past_4_gib_come_back_whole() {
        // Strings ending at 10, 4 GiB − 1, 4 GiB + 5 (the first past 4 GiB,
        // string 2), 4 GiB + 9, and 12 GiB + 1 (past two more boundaries at
        // once: string 4 reaches 8 GiB and 12 GiB).
        let gib4 = 1usize << 32;
        let at = [10, gib4 - 1, gib4 + 5, gib4 + 9, 3 * gib4 + 1];
        let mut ends = Ends::default();
        at.iter().for_each(|&e| ends.push(e));
        assert_eq!(ends.wraps, vec![2, 4, 4]);
        let back: Vec<usize> = (0..at.len()).filter_map(|i| ends.get(i)).collect();
        assert_eq!(back, at);
        // String 3 starts where string 2 ends; string 0 at 0.
        assert_eq!((ends.start(0), ends.start(3)), (0, gib4 + 5));
        assert_eq!(ends.get(5), None);
    }

    #[test]
    fn merging_gives_the_symbols_of_interning_one_by_one() {
        let mut run = Strings::default();
        assert_eq!(run.intern("Enhet 1"), 1);
        let mut chunk = Strings::default();
        // The chunk's symbols: "" 0, "PO-2" 1, "Enhet 1" 2, "PO-3" 3.
        for s in ["PO-2", "Enhet 1", "PO-3", "PO-2"] {
            chunk.intern(s);
        }
        assert_eq!(chunk.len(), 4);
        // "" stays 0, "Enhet 1" is the run's 1, the new ones follow: 2, 3.
        assert_eq!(run.merge(&chunk), vec![0, 2, 1, 3]);
        assert_eq!(run.iter().collect::<Vec<_>>(), ["", "Enhet 1", "PO-2", "PO-3"]);
        assert_eq!(run.intern("PO-3"), 3);
        assert_eq!(run.get(2), "PO-2");
        assert_eq!(run.get(9), "");
        // Shrunk once reading is over: the same symbols when interning or
        // merging again.
        run.shrink_to_fit();
        let mut other = Strings::default();
        assert_eq!(other.merge(&run), vec![0, 1, 2, 3]);
        assert_eq!(run.get(3), "PO-3");
        assert_eq!(run.intern("PO-2"), 2);
        assert_eq!(run.intern("PO-4"), 4);
        assert_eq!(run.intern("Enhet 1"), 1);
        run.clear();
        assert!(run.is_empty());
        assert_eq!(run.intern("åäö"), 1);
        assert_eq!(run.get(1), "åäö");
    }

    #[test]
    fn a_field_of_new_values_bypasses_the_cache_with_the_same_symbols() {
        let mut strings = Strings::default();
        let mut cache = RawCache::default();
        let mut made = 0;
        // Field 4: every value new; field 0: two values in turn.
        for i in 0..3 * JUDGED_AFTER {
            let value = format!("PO-{i}");
            let sym = cache.sym(4, value.as_bytes(), |scratch| {
                assert!(scratch.is_empty());
                made += 1;
                strings.intern(&value)
            });
            assert_eq!(strings.get(sym), value);
            let unit = if i % 2 == 0 { "Enhet 1" } else { "Enhet 2" };
            let sym = cache.sym(0, unit.as_bytes(), |_| strings.intern(unit));
            assert_eq!(strings.get(sym), unit);
        }
        // Judged after 4096 lookups of field 4, uncached after: each
        // value made once either way; field 0 stays cached.
        assert_eq!(made, 3 * JUDGED_AFTER);
        assert_eq!(cache.looks[4], JUDGED_AFTER);
        assert_eq!(cache.looks[0], 3 * JUDGED_AFTER);
        assert_eq!(cache.misses[0], 2);
        // Out of range: made directly.
        assert_eq!(cache.sym(9, b"x", |_| 7), 7);
    }
}
