//! The content API (issue 27), its pure parts: a list's query
//! (`query`), its keyset cursor (`cursor`), API keys (`key`), a story's JSON
//! (`story`), and the
//! errors an API answers with: a machine code and a Chinese message that
//! says what to fix.

pub mod cursor;
pub mod key;
pub mod query;
pub mod story;

/// The order of a story list, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// By 签发 time (the portal's order).
    Signed,
    /// By the last change readers can see (a correction, an update).
    Updated,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Signed => "signed",
            Sort::Updated => "updated",
        }
    }
}

/// What went wrong, for a program: the `code` of an API error's JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A parameter a program can fix (400).
    BadParameter,
    /// No such thing, or not public (404).
    NotFound,
    /// Withdrawn: its notice is in the answer (410).
    Gone,
    /// No key, or a key revoked or unknown (401).
    BadKey,
    /// The key does not cover that site (403).
    OutOfScope,
    /// Too many requests for the key this minute (429).
    RateLimited,
    /// The server failed (500); the cause is in its log, not the answer.
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::BadParameter => "bad_parameter",
            Code::NotFound => "not_found",
            Code::Gone => "gone",
            Code::BadKey => "bad_key",
            Code::OutOfScope => "out_of_scope",
            Code::RateLimited => "rate_limited",
            Code::Internal => "internal",
        }
    }

    /// The HTTP status it is answered with.
    pub fn status(self) -> u16 {
        match self {
            Code::BadParameter => 400,
            Code::NotFound => 404,
            Code::Gone => 410,
            Code::BadKey => 401,
            Code::OutOfScope => 403,
            Code::RateLimited => 429,
            Code::Internal => 500,
        }
    }
}

/// An API refusal: its code and what to fix, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: Code,
    pub message: String,
}

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }

    /// The error's JSON body: `{"error": {"code": ..., "message": ...}}`.
    pub fn body(&self) -> String {
        serde_json::json!({ "error": { "code": self.code.as_str(), "message": self.message } })
            .to_string()
    }
}
