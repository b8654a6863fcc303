//! 文字稿: no part of its own (the 题图 is every kind's).

use super::EditorPanel;

pub(super) struct TextPanel;

impl EditorPanel for TextPanel {}
