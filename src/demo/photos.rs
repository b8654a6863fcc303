//! The demo's pictures: freely licensed photographs (assets/demo/photos,
//! credited in CREDITS.md and in every caption) in the main site's library,
//! photo stories in 图片新闻 with their 题图, one gallery (图集), the 焦点图
//! carousel, and the site's logo and favicon. Idempotent like the rest of
//! the demo: what exists is left alone. The variants are made by the usual
//! job, seconds after the server starts.

use anyhow::Context as _;
use bytes::Bytes;

use crate::db::{Actor, NewPicture, Store};
use crate::domain::channel::ListStyle;
use crate::domain::html::paragraphs_to_html;
use crate::domain::kind::{Kind, Parts};
use crate::domain::picture::PictureUse;
use crate::domain::text::parse_rfc3339;
use crate::domain::url::story_path;
use crate::domain::{Article, Byline, Status};
use crate::media::MediaStore;

/// A demo photograph by name: its bytes, caption, credit and alt text.
pub(super) fn photo(
    name: &str,
) -> Option<(&'static [u8], &'static str, &'static str, &'static str)> {
    PHOTOS
        .iter()
        .find(|p| p.name == name)
        .map(|p| (p.bytes, p.caption, p.credit, p.alt))
}

/// A photograph: file, Chinese caption (what it shows), photographer, licence, alt text.
struct Photo {
    name: &'static str,
    bytes: &'static [u8],
    caption: &'static str,
    credit: &'static str,
    alt: &'static str,
}

macro_rules! photo {
    ($name:literal, $caption:literal, $credit:literal, $alt:literal) => {
        Photo {
            name: $name,
            bytes: include_bytes!(concat!("../../assets/demo/photos/", $name, ".jpg")),
            caption: $caption,
            credit: $credit,
            alt: $alt,
        }
    };
}

const PHOTOS: &[Photo] = &[
    photo!(
        "dandelions",
        "逆光下的蒲公英种子,在田野里等待随风远行。",
        "Clemens Engelhardt(CC0)",
        "田野里被夕阳照亮的蒲公英种子球"
    ),
    photo!(
        "bridge",
        "仰望大桥:白色的吊索和拉索交织在蓝天下,桥下是宽阔的沙质河口。",
        "Sander Klootwijk(CC BY-SA 4.0)",
        "从桥面仰望蓝天下的大桥吊索,远处是沙洲河口"
    ),
    photo!(
        "stream",
        "林间小溪漫过浅色的石灰岩,水声潺潺。",
        "Aitzol Berasategi(CC BY 4.0)",
        "森林里流过石灰岩的小溪"
    ),
    photo!(
        "sunset",
        "从长满青草的山顶望去,夕阳正落向层层山峦。",
        "Aitzol Berasategi(CC BY 4.0)",
        "山顶上看夕阳落在连绵的山峦后面"
    ),
    photo!(
        "dragonfly",
        "一只蜻蜓停在枯枝尖上,身后是绿叶和蓝天。",
        "Bolly(CC BY-SA 4.0)",
        "停在枝头的蜻蜓"
    ),
    photo!(
        "autumn",
        "岩石山脊下,草地与秋色正浓的树林相接。",
        "Aitzol Berasategi(CC BY 4.0)",
        "岩石山脊下的草地和秋天的树林"
    ),
    photo!(
        "trail",
        "山间步道穿过高山草甸,远处的山峰上还留着积雪。",
        "Aitzol Berasategi(CC BY 4.0)",
        "穿过草甸通向雪山的步道"
    ),
    photo!(
        "nuthatch",
        "一只䴓鸟头朝下攀在树干上,身后的公园虚化成一片绿色。",
        "Lukas Baubkus(CC BY-SA 3.0)",
        "头朝下攀在树干上的䴓鸟"
    ),
    photo!(
        "dogs",
        "两只可卡犬从木屋的门口探出头来张望。",
        "Aitzol Berasategi(CC BY 4.0)",
        "木屋门口探出头的两只可卡犬"
    ),
    photo!(
        "fig",
        "红色漆碗里盛着半个新鲜无花果,阳光在水泥地面上投下清晰的影子。",
        "Trevor “Freespace”(CC BY 4.0)",
        "红碗里的半个无花果"
    ),
    photo!(
        "brushes",
        "用过的画笔,笔毛上还带着蓝、绿、粉、黄的颜料。",
        "Trevor “Freespace”(CC BY 4.0)",
        "沾着各色颜料的画笔特写"
    ),
    photo!(
        "bird",
        "吊灯下,一只绿色的木雕小鸟挂在弹簧上展开翅膀。",
        "Peter Nerlich(CC BY-SA 4.0)",
        "吊灯下挂着的绿色木雕小鸟"
    ),
    photo!(
        "clock",
        "一面白色的现代挂钟,背后的墙被映成了绿色。",
        "Peter Nerlich(CC BY-SA 4.0)",
        "斜看白色挂钟"
    ),
    photo!(
        "drum",
        "客厅一角:豆袋上放着非洲鼓,木托盘桌上有一瓶红酒。",
        "Jakub Mede(CC BY 4.0)",
        "客厅里的非洲鼓和红酒"
    ),
];

const LOGO: &[u8] = include_bytes!("../../assets/demo/photos/logo.png");
const FAVICON: &[u8] = include_bytes!("../../assets/demo/photos/favicon.png");

/// Photo stories: id, title, the photo (by name) as its 题图, and the 焦点 slot's order.
const STORIES: &[(i64, &str, &str)] = &[
    (900_401, "镜头里的春天:田野上的蒲公英", "dandelions"),
    (900_402, "仰望大桥:吊索织就的几何之美", "bridge"),
    (900_403, "林间溪流:听见石灰岩上的水声", "stream"),
    (900_404, "山顶看日落:层峦尽染", "sunset"),
];
const GALLERY_ID: i64 = 900_410;
/// The gallery's pictures, in order.
const GALLERY: &[&str] = &[
    "autumn",
    "trail",
    "dragonfly",
    "nuthatch",
    "dogs",
    "fig",
    "brushes",
    "bird",
    "clock",
];
/// When the demo's pictures were "uploaded" (their keys' month).
const UPLOADED: i64 = 1_713_520_800; // 2024-04-19 18:00 CST
/// Where the 图片新闻 stories live.
pub const PHOTO_CHANNEL: &str = "tp";

/// Load the pictures into the main site's library and the stories that show
/// them; returns how many stories were created.
pub async fn load(store: &dyn Store, media: &dyn MediaStore, now: i64) -> anyhow::Result<usize> {
    let actor = Actor {
        id: None,
        name: "示例内容".into(),
        address: String::new(),
    };
    let mut ids = std::collections::HashMap::new();
    for p in PHOTOS {
        let id = add(
            store, media, "main", p.bytes, p.caption, p.credit, p.alt, &actor, now,
        )
        .await
        .with_context(|| format!("adding demo photo {}", p.name))?;
        ids.insert(p.name, id);
    }
    let logo = add(
        store,
        media,
        "main",
        LOGO,
        "滨州网站标",
        "",
        "滨州网",
        &actor,
        now,
    )
    .await?;
    let favicon = add(
        store,
        media,
        "main",
        FAVICON,
        "滨州网图标",
        "",
        "滨州网",
        &actor,
        now,
    )
    .await?;
    let mut sites = store.sites().await?;
    if let Some(main) = sites.iter_mut().find(|s| s.is_main()) {
        if main.settings.logo_image.is_none() && main.settings.favicon_image.is_none() {
            main.settings.logo_image = Some(logo);
            main.settings.favicon_image = Some(favicon);
            store.put_site(main, now).await?;
        }
    }

    let channels = store.channels("main").await?;
    let Some(channel) = channels.iter().find(|c| c.path == PHOTO_CHANNEL) else {
        return Ok(0);
    };
    let use_of = |name: &str| {
        let p = PHOTOS.iter().find(|p| p.name == name).expect("demo photo");
        PictureUse {
            image_id: ids[name],
            caption: p.caption.into(),
            credit: p.credit.into(),
            alt: p.alt.into(),
        }
    };
    let mut created = 0;
    let signed0 = parse_rfc3339("2024-04-19T19:00:00+08:00").expect("valid time");
    // a photo story's byline is its photographer (摄影); a gallery's are in its captions
    let photographer = |parts: &Parts| -> Vec<Byline> {
        parts
            .lead
            .iter()
            .map(|l| Byline {
                role: "摄影".into(),
                name: l
                    .credit
                    .split(['(', '('])
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .into(),
            })
            .collect()
    };
    let story =
        |id: i64, title: &str, signed: i64, kind: Kind, parts: Parts, body: Vec<String>| Article {
            id,
            site_id: "main".into(),
            channel_id: channel.id,
            extra_channel_ids: vec![],
            title: title.into(),
            short_title: None,
            subtitle: None,
            byline: photographer(&parts),
            source: "滨州网".into(),
            reprint: None,
            editor: "闫晓亮".into(),
            body_html: paragraphs_to_html(&body),
            summary: String::new(),
            tags: vec!["摄影".into()],
            status: Status::Published,
            signed_at: Some(signed),
            signed_by: Some("闫晓亮".into()),
            published_at: Some(signed),
            url_path: Some(story_path(PHOTO_CHANNEL, signed, id)),
            created_at: signed - 3600,
            updated_at: signed,
            version: 1,
            corrections: vec![],
            revised_at: None,
            kind,
            parts,
            ai: Default::default(),
        };
    for (i, (id, title, photo)) in STORIES.iter().enumerate() {
        if store.article(*id).await?.is_some() {
            continue;
        }
        let lead = use_of(photo);
        let body = vec![
            format!("{}", lead.caption),
            format!(
                "本图选自开放授权摄影作品,摄影:{}。欢迎读者投稿分享身边的好照片。",
                lead.credit
            ),
        ];
        let a = story(
            *id,
            title,
            signed0 - 600 * i as i64,
            Kind::Text,
            Parts {
                lead: Some(lead),
                ..Parts::default()
            },
            body,
        );
        store.save_article(&a, now).await?;
        created += 1;
    }
    if store.article(GALLERY_ID).await?.is_none() {
        let a = story(
            GALLERY_ID,
            "图集|光影里的自然与生活——开放授权摄影作品选",
            signed0 + 600,
            Kind::Gallery,
            Parts {
                gallery: GALLERY.iter().map(|n| use_of(n)).collect(),
                ..Parts::default()
            },
            vec![
                "山野、林间、窗前和餐桌上,九幅开放授权的摄影作品记录了自然与日常生活中的细节。"
                    .into(),
            ],
        );
        store.save_article(&a, now).await?;
        created += 1;
        // the first time the pictures arrive: 图片新闻 lists as 图文
        let mut c = channel.clone();
        c.list_style = ListStyle::Pictures;
        store.update_channel(&c, now).await?;
    }
    Ok(created)
}

/// The 焦点 slot of a new demo: the gallery and the photo stories (those
/// that exist), then the seed story.
pub async fn carousel(store: &dyn Store, seed: i64) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for id in std::iter::once(GALLERY_ID).chain(STORIES.iter().map(|s| s.0)) {
        if store.article(id).await?.is_some() {
            ids.push(id);
        }
    }
    ids.push(seed);
    Ok(ids)
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn add(
    store: &dyn Store,
    media: &dyn MediaStore,
    site: &str,
    bytes: &'static [u8],
    caption: &str,
    credit: &str,
    alt: &str,
    actor: &Actor,
    now: i64,
) -> anyhow::Result<i64> {
    // one upload time for every demo picture, so its key (month/hash) is
    // the same on every run and a second run finds it
    let checked = crate::media::check_embedded(Bytes::from_static(bytes), UPLOADED)?;
    if let Some(p) = store
        .pictures_by_key(site, std::slice::from_ref(&checked.key))
        .await?
        .into_iter()
        .next()
    {
        return Ok(p.id);
    }
    media
        .put(&checked.key, checked.original.clone(), checked.mime)
        .await?;
    let (p, _) = store
        .add_picture(
            &NewPicture {
                site_id: site.into(),
                key: checked.key.clone(),
                width: checked.width,
                height: checked.height,
                bytes: checked.original.len() as i64,
                mime: checked.mime.into(),
                caption: caption.into(),
                credit: credit.into(),
                alt: alt.into(),
                animated: false,
                aigc: None,
            },
            actor,
            now,
        )
        .await?;
    Ok(p.id)
}
