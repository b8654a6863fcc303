pub mod admin;
pub mod assets;
pub mod portal;
