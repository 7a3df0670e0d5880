//! The embedded Typst engine's `World`: a thin delegator that serves one generated source and its
//! assets from memory, fonts embedded in the binary (loaded once, shared by every compile of the
//! batch), a fixed `today`, and nothing else — no files from disk, no packages.

use std::collections::HashMap;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;

/// The fonts and standard library, shared by every compile.
struct Shared {
    library: LazyHash<Library>,
    fonts: FontStore,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let mut fonts = FontStore::new();
        fonts.extend(typst_kit::fonts::embedded());
        Shared { library: LazyHash::new(Library::default()), fonts }
    })
}

/// The path of a virtual file in the project root.
pub fn file_id(name: &str) -> Option<FileId> {
    let path = VirtualPath::new(format!("/{name}")).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, path).intern())
}

/// One document to compile: its source and the files it may read.
pub struct MemoryWorld {
    main: Source,
    assets: HashMap<FileId, Bytes>,
    today: Datetime,
}

impl MemoryWorld {
    pub fn new(source: String, assets: &[(String, crate::model::Shared)], today: Datetime) -> Option<Self> {
        let main = Source::new(file_id("main.typ")?, source);
        let assets = assets
            .iter()
            .filter_map(|(name, bytes)| Some((file_id(name)?, Bytes::new(bytes.clone()))))
            .collect();
        Some(Self { main, assets, today })
    }

    pub fn source_text(&self) -> &Source {
        &self.main
    }
}

impl World for MemoryWorld {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        shared().fonts.book()
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(not_found(id)) }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.assets.get(&id).cloned().ok_or_else(|| not_found(id))
    }
    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.font(index)
    }
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}
