//! A page's form as a browser would send it: every named control of the
//! form (inside it, or naming it with `form=`), with its value.

use scraper::{Html, Selector};

/// The (name, value) pairs form `id` on `html` sends (no button: add the
/// pressed one's name and value).
pub fn fields(html: &str, id: &str) -> Vec<(String, String)> {
    let doc = Html::parse_document(html);
    let controls = Selector::parse("input[name], textarea[name], select[name]").unwrap();
    let form_sel = Selector::parse(&format!("form#{id}")).unwrap();
    let form = doc
        .select(&form_sel)
        .next()
        .expect("the form is on the page");
    let mut out = Vec::new();
    for el in doc.select(&controls) {
        let v = el.value();
        let inside = el.ancestors().any(|a| a.id() == form.id());
        if !(inside || v.attr("form") == Some(id)) || v.attr("disabled").is_some() {
            continue;
        }
        let name = v.attr("name").unwrap().to_string();
        let value = match v.name() {
            "textarea" => el.text().collect::<String>(),
            "select" => {
                let opt = Selector::parse("option").unwrap();
                let options: Vec<_> = el.select(&opt).collect();
                let chosen = options
                    .iter()
                    .find(|o| o.value().attr("selected").is_some())
                    .or(options.first());
                chosen
                    .map(|o| {
                        o.value()
                            .attr("value")
                            .map_or_else(|| o.text().collect(), str::to_string)
                    })
                    .unwrap_or_default()
            }
            _ => match v.attr("type").unwrap_or("text") {
                "checkbox" | "radio" if v.attr("checked").is_none() => continue,
                "checkbox" | "radio" => v.attr("value").unwrap_or("on").to_string(),
                "file" | "submit" | "button" | "image" | "reset" => continue,
                _ => v.attr("value").unwrap_or("").to_string(),
            },
        };
        out.push((name, value));
    }
    out
}

/// Set the first field `name` to `value` (added when missing).
pub fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(n, _)| n == name) {
        Some(f) => f.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

/// The pairs as `Agent::post` takes them.
pub fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}
