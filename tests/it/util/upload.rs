//! Image uploads through the editor's `POST /admin/media`.

use axum::body::Body;
use axum::http::Request;

use super::TestResponse;
use super::agent::Agent;

/// A multipart body with a CSRF field and a file; returns (content type, body).
pub fn multipart(csrf: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "gazetteboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl Agent<'_> {
    /// Upload a file with the given CSRF token (this session's, or a forged one).
    pub async fn upload(&self, csrf: &str, file: &[u8]) -> TestResponse {
        let (ct, body) = multipart(csrf, file);
        let req = Request::post("/admin/media")
            .header("content-type", ct)
            .header("cookie", &self.cookie)
            .body(Body::from(body))
            .unwrap();
        self.app.request(req).await
    }
}

/// A PNG of one colour.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([0, 90, 180]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}
