pub mod assets;
pub mod portal;
