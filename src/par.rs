//! Parallel maps where the `parallel` feature is on (the binary's: rayon's
//! work-stealing threads), plain iteration where it is off (a build
//! dependency's default: rayon and its crossbeam crates would cost more to
//! compile than they save on a project's few files).

/// `items.map(f)`, in order, in parallel when the feature is on.
#[cfg(feature = "parallel")]
pub(crate) fn map<T, R, F>(items: Vec<T>, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync + Send,
{
    use rayon::prelude::*;
    items.into_par_iter().map(f).collect()
}

/// `items.map(f)`, in order.
#[cfg(not(feature = "parallel"))]
pub(crate) fn map<T, R, F>(items: Vec<T>, f: F) -> Vec<R>
where
    F: Fn(T) -> R,
{
    items.into_iter().map(f).collect()
}

/// `items.iter().map(f)`, in order, in parallel when the feature is on.
#[cfg(feature = "parallel")]
pub(crate) fn map_ref<'a, T, R, F>(items: &'a [T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&'a T) -> R + Sync + Send,
{
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

/// `items.iter().map(f)`, in order.
#[cfg(not(feature = "parallel"))]
pub(crate) fn map_ref<'a, T, R, F>(items: &'a [T], f: F) -> Vec<R>
where
    F: Fn(&'a T) -> R,
{
    items.iter().map(f).collect()
}
