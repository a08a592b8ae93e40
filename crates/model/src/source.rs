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
/// Written and read as a plain string.
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
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Source {
    /// Read as a string; inside [`Sources::sharing`], shared with the equal ones read before.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Source, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Source;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a source as text")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Source, E> {
                Ok(SHARING.with_borrow_mut(|sharing| match sharing {
                    Some(sources) => sources.intern(text),
                    None => Source::from(text),
                }))
            }
        }
        d.deserialize_str(Text)
    }
}

thread_local! {
    /// The interner of the [`Sources::sharing`] call running on this thread, if any.
    static SHARING: std::cell::RefCell<Option<Sources>> = const { std::cell::RefCell::new(None) };
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

    /// Runs `decode` (a deserialization on this thread) with every [`Source`] it reads shared
    /// through one interner: a graph file's network cites each source once in memory, as the
    /// feed it was built from did.
    pub fn sharing<T>(decode: impl FnOnce() -> T) -> T {
        let outer = SHARING.replace(Some(Sources::default()));
        let decoded = decode();
        SHARING.set(outer);
        decoded
    }

    /// `source` shared with the earlier ones of the same text.
    pub fn share(&mut self, source: &Source) -> Source {
        if let Some(s) = self.known.get(source.as_str()) {
            return s.clone();
        }
        self.known.insert(source.clone());
        source.clone()
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
        assert!(Arc::ptr_eq(&sources.share(&c).0, &a.0));
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, "\"UTLC ERA\"");
        let back: Source = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
        assert_eq!(back, "UTLC ERA");
        let list = r#"["UTLC ERA", "other", "UTLC ERA"]"#;
        let apart: Vec<Source> = serde_json::from_str(list).unwrap();
        assert!(!Arc::ptr_eq(&apart[0].0, &apart[2].0));
        let shared: Vec<Source> = Sources::sharing(|| serde_json::from_str(list).unwrap());
        assert!(Arc::ptr_eq(&shared[0].0, &shared[2].0));
        assert_eq!(shared, apart);
    }
}
