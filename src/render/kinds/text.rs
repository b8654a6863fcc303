//! 文字稿: the shell alone.

use super::StoryPage;

pub(super) struct Text;

impl StoryPage for Text {
    fn template(&self) -> &'static str {
        "portal/article.html"
    }
}
