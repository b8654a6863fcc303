//! The demo's site pages (单页): the six the footer links, with text a
//! city news portal would publish. The privacy page says what this portal
//! actually keeps (`docs/compliance.md`).

use anyhow::Context as _;

use crate::db::Store;
use crate::domain::html::paragraphs_to_html;
use crate::domain::kind::{Kind, Parts};
use crate::domain::page::{PagePart, page_path};
use crate::domain::text::parse_rfc3339;
use crate::domain::{Article, Status};

/// The first page's id; the others follow.
pub const FIRST_ID: i64 = 900_601;

/// (slug, footer title, page title, paragraphs).
pub const PAGES: &[(&str, &str, &str, &[&str])] = &[
    (
        "about",
        "关于滨州网",
        "关于滨州网",
        &[
            "滨州网是滨州传媒集团有限公司主办的滨州新闻门户网站,经山东省互联网信息办公室批准从事互联网新闻信息服务(许可证编号 37120180038)。",
            "滨州网发布滨州政务、县区动态、社会民生、视听和图片新闻,设滨城、沾化、惠民、阳信、无棣、博兴、邹平、北海等县区分站,与《滨州日报》、滨州广播电视台共享采编资源。",
            "本网新闻稿件均经初审、复审、终审三级审核,由签发人签发后发布;转载稿件注明来源、原作者和原标题。",
        ],
    ),
    (
        "ad",
        "广告服务",
        "广告服务",
        &[
            "滨州网提供首页、频道页和县区分站的图片广告、文字链接、专题策划和活动推广服务。",
            "依照《中华人民共和国广告法》和《互联网广告管理办法》,本网发布的广告均标明“广告”字样,与新闻信息明确区分,不以新闻报道形式变相发布广告。",
            "广告业务联系:滨州传媒集团广告部,电话 0543-3163500,地址:滨州市黄河五路338号。",
        ],
    ),
    (
        "contact",
        "联系我们",
        "联系我们",
        &[
            "地址:山东省滨州市黄河五路338号 滨州传媒集团有限公司(邮编 256600)。",
            "新闻热线:0543-3163568;违法和不良信息举报电话:0543-3163568,举报邮箱:bzrbxmt@163.com,也可通过本网“网上举报”页面在线举报。",
            "欢迎读者提供新闻线索。来稿请注明真实姓名和联系方式,本网对来稿有删改权。",
        ],
    ),
    (
        "terms",
        "服务条款",
        "服务条款",
        &[
            "欢迎使用滨州网。访问和使用本网,即表示您同意遵守本条款和国家有关法律法规。",
            "本网刊载的原创新闻、图片和音视频作品的著作权归滨州传媒集团有限公司所有。未经书面授权,任何单位和个人不得转载、摘编或以其他方式使用;经授权使用的,应注明“来源:滨州网”。",
            "读者通过本网举报、留言等功能提交的信息,不得含有法律法规禁止的内容。本网有权对违法和不良信息依法处置。",
            "本网对因不可抗力或非本网原因造成的服务中断不承担责任,将尽力及时恢复服务。",
        ],
    ),
    (
        "privacy",
        "隐私保护",
        "隐私保护",
        &[
            "滨州网重视读者的个人信息保护,依照《中华人民共和国个人信息保护法》处理个人信息。本页说明本网实际保存哪些信息、保存多久。",
            "浏览新闻:本网不要求读者注册或登录,不向读者的浏览器写入 Cookie,网页不加载其他网站的脚本、字体或统计代码。您在“阅读辅助”中选择的字号、高对比度、行距和直播条目的排列顺序,只保存在您自己的浏览器里(本地存储),本网服务器不接收这些设置。",
            "网上举报:您提交的举报类别、网址、说明和截图随举报一起保存,供本网举报受理人员核实处理,并按要求留存备查。您自愿填写的手机号或电子邮箱只有举报受理人员可以看到,只用于反馈处理结果,自举报之日起保存 180 天后自动删除。为防止恶意提交,本网对提交来源的网络地址做不可逆的摘要计算,摘要只保存一小时用于频率限制,不与举报记录一起保存。",
            "服务器日志:为保障网站安全运行,服务器记录访问的网址、时间和状态,按国家规定留存不少于六个月。",
            "本网工作人员的账号、操作记录(发布记录)依照互联网新闻信息服务管理规定长期保存。",
            "如需查询、更正或删除您提交的个人信息,请拨打 0543-3163568 或发送邮件至 bzrbxmt@163.com。",
        ],
    ),
    (
        "legal",
        "法律声明",
        "法律声明",
        &[
            "滨州网所刊载的信息,仅代表作者本人观点,不代表本网立场;本网转载稿件已注明来源,转载目的在于传递更多信息。",
            "凡本网注明“来源:滨州网”或“滨州日报/滨州网讯”的作品,版权均属滨州传媒集团有限公司,侵权必究。",
            "本网标注“人工智能生成”或“含人工智能生成内容”的稿件、图片和视频,依照《人工智能生成合成内容标识办法》标识,经本网编辑审核后发布。",
            "如认为本网内容侵犯您的合法权益,请通过“网上举报”或举报电话与本网联系,本网将在核实后依法处理。",
        ],
    ),
];

/// The footer's links: the six pages in order.
pub fn footer_links() -> Vec<crate::domain::site::Link> {
    PAGES
        .iter()
        .map(|(slug, title, _, _)| crate::domain::site::Link {
            title: (*title).into(),
            url: format!("/{}", page_path(slug)),
        })
        .collect()
}

/// Create the pages that are missing; returns how many.
pub async fn load(store: &dyn Store, channel_id: i64, now: i64) -> anyhow::Result<usize> {
    let signed = parse_rfc3339("2024-01-02T09:00:00+08:00").expect("valid time");
    let mut created = 0;
    for (i, (slug, _, title, paragraphs)) in PAGES.iter().enumerate() {
        let id = FIRST_ID + i as i64;
        if store.article(id).await?.is_some() {
            continue;
        }
        let a = Article {
            id,
            site_id: "main".into(),
            channel_id,
            extra_channel_ids: vec![],
            title: (*title).into(),
            short_title: None,
            subtitle: None,
            byline: vec![],
            source: String::new(),
            reprint: None,
            editor: "闫晓亮".into(),
            body_html: paragraphs_to_html(paragraphs),
            summary: String::new(),
            tags: vec![],
            status: Status::Published,
            signed_at: Some(signed),
            signed_by: Some("闫晓亮".into()),
            published_at: Some(signed),
            url_path: Some(page_path(slug)),
            created_at: signed - 3600,
            updated_at: signed,
            version: 1,
            corrections: vec![],
            revised_at: None,
            kind: Kind::Page,
            ai: Default::default(),
            parts: Parts {
                page: Some(PagePart {
                    slug: (*slug).into(),
                }),
                ..Parts::default()
            },
        };
        store
            .save_article(&a, now)
            .await
            .with_context(|| format!("creating the demo page {slug}"))?;
        created += 1;
    }
    Ok(created)
}
