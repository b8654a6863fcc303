//! A list's keyset cursor: where the next page starts (the last row's
//! time and id under the list's sort), as `s1717171200_42` (`s` signed,
//! `u` updated). Stable while stories are added: a page after the cursor
//! is the same rows however many newer ones arrived.

use super::Sort;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub sort: Sort,
    pub time: i64,
    pub id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let s = match self.sort {
            Sort::Signed => 's',
            Sort::Updated => 'u',
        };
        format!("{s}{}_{}", self.time, self.id)
    }

    /// Read a cursor back, or why not (for the message).
    pub fn decode(v: &str) -> Result<Cursor, String> {
        let bad = || "翻页位置无效:请用上一页给出的 next 链接".to_string();
        let mut chars = v.chars();
        let sort = match chars.next() {
            Some('s') => Sort::Signed,
            Some('u') => Sort::Updated,
            _ => return Err(bad()),
        };
        let (time, id) = chars.as_str().split_once('_').ok_or_else(bad)?;
        let time: i64 = time.parse().map_err(|_| bad())?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        if time < 0 || id <= 0 {
            return Err(bad());
        }
        Ok(Cursor { sort, time, id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        let c = Cursor {
            sort: Sort::Updated,
            time: 1_717_171_200,
            id: 42,
        };
        assert_eq!(c.encode(), "u1717171200_42");
        assert_eq!(Cursor::decode(&c.encode()), Ok(c));
        for bad in [
            "", "x1_2", "s1", "s_2", "s1_", "s-1_2", "s1_0", "s1_2_3", "s1.5_2",
        ] {
            assert!(Cursor::decode(bad).is_err(), "{bad}");
        }
    }
}
