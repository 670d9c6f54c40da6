//! The few IndexedDB calls the widget makes (the outbox, the `local` adapter's cases), as
//! futures: one object store per database, JSON text values under string keys.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

/// A database with its one object store.
#[derive(Debug, Clone, Copy)]
pub struct Db {
    /// The database's name.
    pub name: &'static str,
    /// Its object store (out-of-line string keys).
    pub store: &'static str,
}

/// The result of a request, once it succeeds or fails.
async fn done(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let fail = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        request.set_onsuccess(Some(ok.unchecked_ref()));
        request.set_onerror(Some(fail.unchecked_ref()));
    });
    wasm_bindgen_futures::JsFuture::from(promise).await?;
    request.result()
}

impl Db {
    async fn open(self) -> Result<IdbDatabase, JsValue> {
        let factory = web_sys::window()
            .ok_or(JsValue::NULL)?
            .indexed_db()?
            .ok_or(JsValue::NULL)?;
        let request = factory.open_with_u32(self.name, 1)?;
        let store = self.store;
        let upgrade = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
            let db = e
                .target()
                .and_then(|t| t.dyn_into::<IdbRequest>().ok())
                .and_then(|r| r.result().ok())
                .and_then(|r| r.dyn_into::<IdbDatabase>().ok());
            if let Some(db) = db {
                let _ = db.create_object_store(store);
            }
        });
        request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let db = done(&request).await;
        drop(upgrade);
        db?.dyn_into()
    }

    async fn store(
        self,
        mode: IdbTransactionMode,
    ) -> Result<(IdbDatabase, web_sys::IdbObjectStore), JsValue> {
        let db = self.open().await?;
        let tx = db.transaction_with_str_and_mode(self.store, mode)?;
        let store = tx.object_store(self.store)?;
        Ok((db, store))
    }

    /// Keeps `json` under `key` (replacing any).
    pub async fn put(self, key: &str, json: &str) -> Result<(), JsValue> {
        let (db, store) = self.store(IdbTransactionMode::Readwrite).await?;
        let r = done(&store.put_with_key(&JsValue::from_str(json), &JsValue::from_str(key))?).await;
        db.close();
        r.map(|_| ())
    }

    /// Forgets `key`.
    pub async fn delete(self, key: &str) -> Result<(), JsValue> {
        let (db, store) = self.store(IdbTransactionMode::Readwrite).await?;
        let r = done(&store.delete(&JsValue::from_str(key))?).await;
        db.close();
        r.map(|_| ())
    }

    /// The value under `key`, if any.
    pub async fn get(self, key: &str) -> Result<Option<String>, JsValue> {
        let (db, store) = self.store(IdbTransactionMode::Readonly).await?;
        let r = done(&store.get(&JsValue::from_str(key))?).await;
        db.close();
        Ok(r?.as_string())
    }

    /// Every kept value.
    pub async fn all(self) -> Result<Vec<String>, JsValue> {
        let (db, store) = self.store(IdbTransactionMode::Readonly).await?;
        let r = done(&store.get_all()?).await;
        db.close();
        Ok(js_sys::Array::from(&r?)
            .iter()
            .filter_map(|v| v.as_string())
            .collect())
    }
}
