//! Labels for AI-generated content (《人工智能生成合成内容标识办法》,
//! GB 45438-2025; `docs/compliance.md`). No I/O.
//!
//! A story, a library picture or video and a live entry can each be
//! declared [`Ai::Whole`] (人工智能生成) or [`Ai::Partial`]
//! (含人工智能生成内容). Declared content gets an explicit label (显式标识:
//! words readers see, in the text itself so they survive copying, feeds
//! and the export) and its pictures and videos an implicit one (隐式标识:
//! the `AIGC` metadata field of GB 45438 in every file Gazette makes).

use serde::{Deserialize, Serialize};

/// A declaration of AI-generated content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ai {
    /// Not declared: made by people.
    #[default]
    #[serde(rename = "")]
    None,
    /// 人工智能生成: wholly generated or synthesized.
    Whole,
    /// 含人工智能生成内容: made by people with generated parts.
    Partial,
}

impl Ai {
    pub const ALL: [Ai; 3] = [Ai::None, Ai::Whole, Ai::Partial];

    pub fn as_str(self) -> &'static str {
        match self {
            Ai::None => "",
            Ai::Whole => "whole",
            Ai::Partial => "partial",
        }
    }

    /// The stored or submitted value; anything else is no declaration.
    pub fn parse(s: &str) -> Ai {
        match s.trim() {
            "whole" | "人工智能生成" => Ai::Whole,
            "partial" | "含人工智能生成内容" => Ai::Partial,
            _ => Ai::None,
        }
    }

    pub fn is_declared(self) -> bool {
        self != Ai::None
    }

    /// The explicit label readers see (显式标识), also in lists and feeds.
    pub fn label(self) -> &'static str {
        match self {
            Ai::None => "",
            Ai::Whole => "人工智能生成",
            Ai::Partial => "含人工智能生成内容",
        }
    }

    /// The choice as the editor's form says it.
    pub fn choice(self) -> &'static str {
        match self {
            Ai::None => "未使用人工智能生成",
            Ai::Whole => "人工智能生成(全部)",
            Ai::Partial => "含人工智能生成内容(部分)",
        }
    }

    /// The notice at the top of a declared story's page.
    pub fn notice(self) -> &'static str {
        match self {
            Ai::None => "",
            Ai::Whole => "【人工智能生成】本文内容由人工智能生成,经本网编辑审核发布。",
            Ai::Partial => "【含人工智能生成内容】本文部分内容由人工智能生成,经本网编辑审核发布。",
        }
    }

    /// IPTC's digital source type (schema.org `digitalSourceType`).
    pub fn digital_source_type(self) -> Option<&'static str> {
        match self {
            Ai::None => None,
            Ai::Whole => {
                Some("http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia")
            }
            Ai::Partial => Some(
                "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia",
            ),
        }
    }

    /// The stronger of two declarations (a story holding a wholly generated
    /// picture is at least partly generated).
    pub fn at_least(self, other: Ai) -> Ai {
        match (self, other) {
            (Ai::Whole, _) | (_, Ai::Whole) => Ai::Whole,
            (Ai::Partial, _) | (_, Ai::Partial) => Ai::Partial,
            _ => Ai::None,
        }
    }
}

/// The `AIGC` field of GB 45438-2025 (附录 E): one JSON object with these
/// members, in this order. `Label` "1" is generated content, "2" possibly
/// generated, "3" suspected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aigc {
    #[serde(rename = "Label", default)]
    pub label: String,
    #[serde(rename = "ContentProducer", default)]
    pub content_producer: String,
    #[serde(rename = "ProduceID", default)]
    pub produce_id: String,
    #[serde(rename = "ReservedCode1", default)]
    pub reserved_code1: String,
    #[serde(rename = "ContentPropagator", default)]
    pub content_propagator: String,
    #[serde(rename = "PropagateID", default)]
    pub propagate_id: String,
    #[serde(rename = "ReservedCode2", default)]
    pub reserved_code2: String,
}

/// The XMP namespace GB 45438 gives the field (prefix `TC260`).
pub const XMP_NS: &str = "http://www.tc260.org.cn/ns/AIGC/1.0/";

impl Aigc {
    /// Parse a field's value; `None` when it is not the standard's JSON.
    pub fn parse(json: &str) -> Option<Aigc> {
        let a: Aigc = serde_json::from_str(json.trim()).ok()?;
        (!a.label.is_empty()).then_some(a)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The label Gazette writes into the files of declared content: what
    /// the upload carried (its producer is kept), else the declaration's,
    /// with Gazette's site as the propagator (传播者) and the file's
    /// identity as the propagation's number.
    pub fn for_files(found: Option<&Aigc>, propagator: &str, propagate_id: &str) -> Aigc {
        let mut a = found.cloned().unwrap_or_else(|| Aigc {
            label: "1".into(),
            ..Aigc::default()
        });
        if a.label.is_empty() {
            a.label = "1".into();
        }
        a.content_propagator = propagator.chars().take(100).collect();
        a.propagate_id = propagate_id.chars().take(100).collect();
        a
    }

    /// What an editor is told about a label found in an upload.
    pub fn describe(&self) -> String {
        let what = match self.label.as_str() {
            "1" => "人工智能生成",
            "2" => "可能为人工智能生成",
            "3" => "疑似人工智能生成",
            _ => "人工智能生成标识",
        };
        let mut s = format!("文件带有人工智能生成隐式标识({what}");
        if !self.content_producer.is_empty() {
            s.push_str(",生成者:");
            s.push_str(&self.content_producer);
        }
        s.push(')');
        s
    }

    /// The XMP packet holding this label (for JPEG APP1, PNG iTXt and
    /// WebP's `XMP ` chunk). The value is XML-escaped JSON.
    pub fn xmp_packet(&self) -> String {
        let json = self.to_json();
        let mut esc = String::with_capacity(json.len() + 32);
        for c in json.chars() {
            match c {
                '&' => esc.push_str("&amp;"),
                '<' => esc.push_str("&lt;"),
                '>' => esc.push_str("&gt;"),
                '"' => esc.push_str("&quot;"),
                c => esc.push(c),
            }
        }
        format!(
            "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
<rdf:Description rdf:about=\"\" xmlns:TC260=\"{XMP_NS}\" TC260:AIGC=\"{esc}\"/>\
</rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
        )
    }

    /// Find the label in an XMP packet (attribute or element form).
    pub fn from_xmp(xmp: &str) -> Option<Aigc> {
        // the value of TC260:AIGC (any prefix bound to the namespace is
        // rare enough in practice that the standard's own prefix is read)
        let at = xmp.find("AIGC")?;
        let rest = &xmp[at + 4..];
        let value = if let Some(r) = rest.strip_prefix("=\"") {
            &r[..r.find('"')?]
        } else if let Some(r) = rest.strip_prefix("='") {
            &r[..r.find('\'')?]
        } else if let Some(r) = rest.strip_prefix('>') {
            &r[..r.find('<')?]
        } else {
            return Aigc::from_xmp(rest);
        };
        let text = value
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#34;", "\"")
            .replace("&amp;", "&");
        Aigc::parse(&text)
    }
}

/// A short tag of a label, for the names of the files that carry it (a
/// file's content never changes under its name, so labelled files get
/// names of their own).
pub fn label_tag(label_json: &str) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(label_json.as_bytes());
    hex::encode(&h[..4])
}

/// The sign-off rule: a story whose pictures or videos carry an AI label
/// (declared in the library or found in the file) must be declared too.
/// `what` names the first such upload.
pub fn undeclared(story: Ai, uploads: &[(String, Ai, bool)]) -> Option<String> {
    if story.is_declared() {
        return None;
    }
    let (what, declared, found) = uploads.iter().find(|(_, d, f)| d.is_declared() || *f)?;
    let why = if *found && !declared.is_declared() {
        "文件带有人工智能生成隐式标识"
    } else {
        "已标为人工智能生成"
    };
    Some(format!(
        "{what}{why},请在“人工智能生成”处声明本稿为“人工智能生成”或“含人工智能生成内容”后再签发"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_round_trip_and_order() {
        for a in Ai::ALL {
            assert_eq!(Ai::parse(a.as_str()), a);
            assert_eq!(
                serde_json::from_str::<Ai>(&serde_json::to_string(&a).unwrap()).unwrap(),
                a
            );
        }
        assert_eq!(Ai::parse("nonsense"), Ai::None);
        assert_eq!(Ai::None.at_least(Ai::Partial), Ai::Partial);
        assert_eq!(Ai::Partial.at_least(Ai::Whole), Ai::Whole);
        assert!(Ai::Whole.notice().contains("人工智能生成"));
        assert!(
            Ai::Partial
                .digital_source_type()
                .unwrap()
                .ends_with("compositeWithTrainedAlgorithmicMedia")
        );
    }

    #[test]
    fn the_label_survives_an_xmp_packet() {
        let found = Aigc {
            label: "1".into(),
            content_producer: "某大模型服务".into(),
            produce_id: "gen-42".into(),
            ..Default::default()
        };
        let a = Aigc::for_files(Some(&found), "滨州网", "main/image/7");
        assert_eq!(a.content_producer, "某大模型服务");
        assert_eq!(a.content_propagator, "滨州网");
        let xmp = a.xmp_packet();
        assert!(xmp.contains(XMP_NS));
        assert_eq!(Aigc::from_xmp(&xmp), Some(a.clone()));
        // element form, as other tools write it
        let el = format!(
            "<TC260:AIGC>{}</TC260:AIGC>",
            a.to_json().replace('"', "&quot;")
        );
        assert_eq!(Aigc::from_xmp(&el), Some(a));
        assert_eq!(Aigc::from_xmp("<x:xmpmeta/>"), None);
        assert_eq!(Aigc::parse("{\"Label\":\"\"}"), None);
    }

    #[test]
    fn signers_must_declare_labelled_uploads() {
        let ups = vec![("题图 12".to_string(), Ai::None, true)];
        assert!(undeclared(Ai::None, &ups).unwrap().contains("隐式标识"));
        assert_eq!(undeclared(Ai::Partial, &ups), None);
        assert_eq!(
            undeclared(Ai::None, &[("题图 1".into(), Ai::None, false)]),
            None
        );
        let declared = vec![("视频 3".to_string(), Ai::Whole, false)];
        assert!(undeclared(Ai::None, &declared).unwrap().contains("视频 3"));
    }
}
