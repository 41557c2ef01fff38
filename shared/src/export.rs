//! An export of a list (cases, households, proposals, referrals, the audit log):
//! the rows a service has authorised, counted and audited, handed over page by
//! page so that a list of any size leaves the server whole in bounded memory.

use async_trait::async_trait;

use crate::contract::ServiceError;

/// The rows of an export, read one page at a time in the list's own order.
#[async_trait]
pub trait ExportPages<T>: Send {
    /// The next page of rows; `None` once every row has been read.
    async fn next_page(&mut self) -> Result<Option<Vec<T>>, ServiceError>;
}

/// An opened export: where its rows come from and how many there were when it
/// was opened (the count written in its audit entry).
pub struct ExportRows<T> {
    /// The area (or the receiving institution) the rows cover, for the file's title.
    pub area_name: String,
    /// Rows matching when the export was opened. Rows added later are left
    /// out; a row changed meanwhile is written as it is when its page is read.
    pub total: u64,
    /// The rows, page by page.
    pub pages: Box<dyn ExportPages<T>>,
}

impl<T> std::fmt::Debug for ExportRows<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportRows")
            .field("area_name", &self.area_name)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

/// No rows at all (a filter that matches nothing known).
struct NoPages;

#[async_trait]
impl<T: Send + 'static> ExportPages<T> for NoPages {
    async fn next_page(&mut self) -> Result<Option<Vec<T>>, ServiceError> {
        Ok(None)
    }
}

impl<T: Send + 'static> ExportRows<T> {
    /// An export without rows.
    pub fn empty(area_name: String) -> Self {
        ExportRows {
            area_name,
            total: 0,
            pages: Box::new(NoPages),
        }
    }

    /// Every row at once (tests and small callers; a download streams the pages).
    pub async fn collect_all(mut self) -> Result<Vec<T>, ServiceError> {
        let mut all = Vec::new();
        while let Some(page) = self.pages.next_page().await? {
            all.extend(page);
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pages of the numbers below `end`, `size` at a time.
    struct Counting {
        next: u32,
        end: u32,
        size: u32,
    }

    #[async_trait]
    impl ExportPages<u32> for Counting {
        async fn next_page(&mut self) -> Result<Option<Vec<u32>>, ServiceError> {
            if self.next >= self.end {
                return Ok(None);
            }
            let last = (self.next + self.size).min(self.end);
            let page = (self.next..last).collect();
            self.next = last;
            Ok(Some(page))
        }
    }

    /// Runs a future that never waits (these pages are in memory).
    fn ready<F: std::future::Future>(future: F) -> F::Output {
        let waker = std::task::Waker::noop();
        let mut context = std::task::Context::from_waker(waker);
        let mut future = std::pin::pin!(future);
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(output) => output,
            std::task::Poll::Pending => panic!("an in-memory page waited"),
        }
    }

    #[test]
    fn collecting_reads_every_page_in_order() {
        let rows = ExportRows {
            area_name: "Kabupaten Cirebon".into(),
            total: 7,
            pages: Box::new(Counting {
                next: 0,
                end: 7,
                size: 3,
            }),
        };
        assert_eq!(ready(rows.collect_all()), Ok((0..7).collect::<Vec<_>>()));
        let none = ExportRows::<u32>::empty("Indonesia".into());
        assert_eq!(none.total, 0);
        assert_eq!(ready(none.collect_all()), Ok(Vec::new()));
    }
}
