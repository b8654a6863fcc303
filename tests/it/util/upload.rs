//! Image uploads through the editor's `POST /admin/media`.

use axum::body::Body;
use axum::http::Request;

use super::TestResponse;
use super::agent::Agent;

/// A multipart body with a CSRF field and a file; returns (content type, body).
pub fn multipart(csrf: &str, file: &[u8]) -> (String, Vec<u8>) {
    multipart_with(csrf, &[], file)
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

/// A multipart body with a CSRF field, text fields and a file.
pub fn multipart_with(csrf: &str, fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "gazetteboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (k, v) in std::iter::once(&("_csrf", csrf)).chain(fields) {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl Agent<'_> {
    /// Upload a picture with its words (`site`, `caption`, `credit`, `alt`).
    pub async fn upload_with(&self, fields: &[(&str, &str)], file: &[u8]) -> TestResponse {
        let (ct, body) = multipart_with(&self.csrf, fields, file);
        let req = Request::post("/admin/media")
            .header("content-type", ct)
            .header("cookie", &self.cookie)
            .body(Body::from(body))
            .unwrap();
        self.app.request(req).await
    }
}

/// A camera-like JPEG with a gradient (so its variants are not all one colour).
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 120])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    out
}
