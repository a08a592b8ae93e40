//! Where a record's data comes from, shared between the records that cite it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// The source of a record (`"UTLC ERA 2024 annual report"`, `"estimate: …, how it was made"`).
///
/// Immutable text, cheap to clone: the records that cite one source share one allocation when
/// they were read through a [`Sources`] interner. A network of millions of links cites a few
/// dozen sources; as one `String` per record the sources took 0.8 GB of a 2 M-node network.
/// Written and read as a plain string, except in a graph file ([`SourceTable`]).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Source(Arc<str>);

impl Source {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Source {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Source {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Source {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Source {
    fn from(s: &str) -> Source {
        Source(Arc::from(s))
    }
}

impl From<String> for Source {
    fn from(s: String) -> Source {
        Source(Arc::from(s))
    }
}

impl PartialEq<str> for Source {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Source {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for Source {
    /// Written as its text; inside [`SourceTable::write`], as its number in the table.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let number = TABLE.with_borrow_mut(|table| match table {
            Some(Table::Writing { numbers, texts }) => {
                Some(*numbers.entry(self.clone()).or_insert_with(|| {
                    texts.push(self.to_string());
                    (texts.len() - 1) as u32
                }))
            }
            _ => None,
        });
        match number {
            Some(n) => s.serialize_u32(n),
            None => s.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Source {
    /// Read as its text; inside [`SourceTable::read`], as its number in the table.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Source, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Source;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a source as text")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Source, E> {
                Ok(Source::from(text))
            }
        }
        let reading = TABLE.with_borrow(|t| matches!(t, Some(Table::Reading(_))));
        if !reading {
            return d.deserialize_str(Text);
        }
        let n = u32::deserialize(d)?;
        TABLE
            .with_borrow(|t| match t {
                Some(Table::Reading(sources)) => sources.get(n as usize).cloned(),
                _ => None,
            })
            .ok_or_else(|| {
                serde::de::Error::custom(format_args!("source number {n} is not in the table"))
            })
    }
}

/// The state of a [`SourceTable`] call on this thread.
enum Table {
    Writing {
        numbers: std::collections::HashMap<Source, u32>,
        texts: Vec<String>,
    },
    Reading(Arc<[Source]>),
}

thread_local! {
    static TABLE: std::cell::RefCell<Option<Table>> = const { std::cell::RefCell::new(None) };
}

/// The sources of a network written once, apart from the records that cite them: a graph
/// file's `sources` section. While [`SourceTable::write`] runs, every [`Source`] serialized on
/// this thread is written as its number in a table of distinct texts; while
/// [`SourceTable::read`] runs, read back from that table, shared. A network of millions of
/// links cites a few dozen sources: written in full they were 0.85 GB of a 2 M-node graph
/// file. Outside these calls a source is written and read as its text (JSON answers, TOML).
pub struct SourceTable;

impl SourceTable {
    /// Runs `encode` (a serialization on this thread) with sources written as numbers; returns
    /// its result and the table of texts to store beside it.
    pub fn write<T>(encode: impl FnOnce() -> T) -> (T, Vec<String>) {
        let mut scope = Scope::enter(Table::Writing {
            numbers: Default::default(),
            texts: Vec::new(),
        });
        let encoded = encode();
        let texts = match scope.leave() {
            Some(Table::Writing { texts, .. }) => texts,
            _ => Vec::new(),
        };
        (encoded, texts)
    }

    /// Runs `decode` (a deserialization on this thread) with sources read as numbers into
    /// `texts` (the table [`SourceTable::write`] returned); a number outside it is an error of
    /// the decoding.
    pub fn read<T>(texts: Vec<String>, decode: impl FnOnce() -> T) -> T {
        SourceTable::read_shared(Self::shared(texts), decode)
    }

    /// The table's texts as shared sources, for [`SourceTable::read_shared`].
    pub fn shared(texts: Vec<String>) -> Arc<[Source]> {
        texts.into_iter().map(Source::from).collect()
    }

    /// Runs `decode` with sources read as numbers into `sources` ([`SourceTable::shared`]):
    /// records decoded one at a time share one table.
    pub fn read_shared<T>(sources: Arc<[Source]>, decode: impl FnOnce() -> T) -> T {
        let _scope = Scope::enter(Table::Reading(sources));
        decode()
    }
}

/// A [`SourceTable`] call's state on this thread, put back as it was when the call ends, also
/// by a panic.
struct Scope {
    outer: Option<Option<Table>>,
}

impl Scope {
    fn enter(table: Table) -> Scope {
        Scope {
            outer: Some(TABLE.replace(Some(table))),
        }
    }

    /// Ends the scope now; returns the table it held.
    fn leave(&mut self) -> Option<Table> {
        self.outer.take().and_then(|outer| TABLE.replace(outer))
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        self.leave();
    }
}

/// An interner: one [`Source`] per distinct text.
#[derive(Debug, Default)]
pub struct Sources {
    known: HashSet<Source>,
}

impl Sources {
    /// The shared source with this text.
    pub fn intern(&mut self, text: &str) -> Source {
        if let Some(s) = self.known.get(text) {
            return s.clone();
        }
        let s = Source::from(text);
        self.known.insert(s.clone());
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_sources_share_their_text_and_read_back_as_strings() {
        let mut sources = Sources::default();
        let a = sources.intern("UTLC ERA");
        let b = sources.intern("UTLC ERA");
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_ne!(sources.intern("other"), a);
        let c = Source::from("UTLC ERA");
        assert!(!Arc::ptr_eq(&a.0, &c.0));
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, "\"UTLC ERA\"");
        let back: Source = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
        assert_eq!(back, "UTLC ERA");
        let list = r#"["UTLC ERA", "other", "UTLC ERA"]"#;
        let apart: Vec<Source> = serde_json::from_str(list).unwrap();
        assert!(!Arc::ptr_eq(&apart[0].0, &apart[2].0));
        // Written as numbers into a table, read back shared.
        let (numbers, table) = SourceTable::write(|| serde_json::to_string(&apart).unwrap());
        assert_eq!(numbers, "[0,1,0]");
        assert_eq!(table, ["UTLC ERA", "other"]);
        let back: Vec<Source> =
            SourceTable::read(table.clone(), || serde_json::from_str(&numbers).unwrap());
        assert_eq!(back, apart);
        assert!(Arc::ptr_eq(&back[0].0, &back[2].0));
        // A number outside the table is an error, and the thread is back to texts after it.
        let bad = SourceTable::read(table, || serde_json::from_str::<Vec<Source>>("[0,7]"));
        assert!(bad
            .unwrap_err()
            .to_string()
            .contains("source number 7 is not in the table"));
        assert_eq!(serde_json::to_string(&apart[1]).unwrap(), "\"other\"");
        // A panic inside a table's scope leaves the thread writing text again.
        let caught = std::panic::catch_unwind(|| SourceTable::write(|| panic!("in the scope")));
        assert!(caught.is_err());
        assert_eq!(serde_json::to_string(&apart[1]).unwrap(), "\"other\"");
    }
}
