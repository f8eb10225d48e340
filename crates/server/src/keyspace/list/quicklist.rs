//! `Quicklist`: a big list as a deque of packed chunks, a port of Redis's
//! quicklist node rules (quicklist.c): when a chunk is full, where a push,
//! an insert or a replace goes, when chunks split and merge, and which
//! elements get a node of their own ("plain" nodes, for elements bigger than
//! a chunk may be).
//!
//! The rules matter beyond memory: Redis turns a quicklist back into a
//! listpack only when it is down to a single packed node, so reporting
//! `OBJECT ENCODING` at the same moments as Redis needs the same node
//! layout. Compression (`list-compress-depth`) is not implemented: every
//! node is stored raw.
//!
//! Nodes sit in a `VecDeque` instead of a linked list; indexes replace
//! Redis's node pointers. A running byte count keeps `heap` O(1).

use std::collections::VecDeque;

use bytes::Bytes;

use super::listpack::{Elem, Listpack, OVERHEAD};

/// Byte limits for negative fill values (-1 .. -5).
const OPTIMIZATION_LEVEL: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// Largest multi-element chunk when the fill is a count.
const SIZE_SAFETY_LIMIT: usize = 8192;
/// Redis's estimate of an entry's overhead when deciding whether it fits.
const SIZE_ESTIMATE_OVERHEAD: usize = 8;
/// Largest fill a quicklist keeps (16-bit signed field in Redis).
const FILL_MAX: i64 = (1 << 15) - 1;

fn neg_fill_limit(fill: i64) -> usize {
    OPTIMIZATION_LEVEL[((-fill - 1) as usize).min(OPTIMIZATION_LEVEL.len() - 1)]
}

/// Redis's `quicklistNodeLimit`: (byte limit, element count limit) of a
/// chunk for `fill` (`list-max-listpack-size`).
pub fn node_limit(fill: i64) -> (usize, usize) {
    if fill >= 0 {
        (usize::MAX, fill.max(1) as usize)
    } else {
        (neg_fill_limit(fill), usize::MAX)
    }
}

/// Redis's `quicklistNodeExceedsLimit`.
pub fn exceeds_limit(fill: i64, new_sz: usize, new_count: usize) -> bool {
    if fill < 0 {
        new_sz > neg_fill_limit(fill)
    } else {
        new_sz > SIZE_SAFETY_LIMIT || new_count > fill.max(1) as usize
    }
}

/// Redis's `isLargeElement`: such an element gets a plain node.
fn is_large(sz: usize, fill: i64) -> bool {
    if fill >= 0 {
        sz > SIZE_SAFETY_LIMIT
    } else {
        sz > neg_fill_limit(fill)
    }
}

#[derive(Debug, Clone)]
enum Node {
    Packed(Listpack),
    Plain(Box<[u8]>),
}

impl Node {
    fn packed_with(v: &[u8]) -> Node {
        let mut lp = Listpack::new();
        lp.push_back(v);
        Node::Packed(lp)
    }

    fn count(&self) -> usize {
        match self {
            Node::Packed(lp) => lp.len(),
            Node::Plain(_) => 1,
        }
    }

    fn heap(&self) -> usize {
        match self {
            Node::Packed(lp) => lp.heap(),
            Node::Plain(b) => b.len(),
        }
    }

    fn lp(&self) -> Option<&Listpack> {
        match self {
            Node::Packed(lp) => Some(lp),
            Node::Plain(_) => None,
        }
    }

    fn lp_mut(&mut self) -> &mut Listpack {
        match self {
            Node::Packed(lp) => lp,
            Node::Plain(_) => unreachable!("callers check the node is packed"),
        }
    }

    /// Position of the element at `off` (a plain node has position 0).
    fn seek(&self, off: usize) -> Option<usize> {
        match self {
            Node::Packed(lp) => lp.seek(off as i64),
            Node::Plain(_) => (off == 0).then_some(0),
        }
    }

    fn edge(&self, reverse: bool) -> Option<usize> {
        match self {
            Node::Packed(lp) if reverse => lp.last(),
            Node::Packed(lp) => lp.first(),
            Node::Plain(_) => Some(0),
        }
    }
}

/// A list too big for one listpack.
#[derive(Debug)]
pub struct Quicklist {
    nodes: VecDeque<Node>,
    count: usize,
    fill: i64,
    node_heap: usize,
}

impl Clone for Quicklist {
    /// A deep copy (COPY); its byte count is taken from the copies, whose
    /// buffers may be sized differently from the originals.
    fn clone(&self) -> Quicklist {
        let nodes = self.nodes.clone();
        let node_heap = nodes.iter().map(Node::heap).sum();
        Quicklist { nodes, count: self.count, fill: self.fill, node_heap }
    }
}

impl Quicklist {
    /// An empty quicklist with the given fill (clamped as Redis does).
    pub fn new(fill: i64) -> Quicklist {
        Quicklist { nodes: VecDeque::new(), count: 0, fill: fill.clamp(-5, FILL_MAX), node_heap: 0 }
    }

    /// A quicklist whose only node is `lp` (none if `lp` is empty).
    pub fn from_listpack(lp: Listpack, fill: i64) -> Quicklist {
        let mut ql = Quicklist::new(fill);
        if !lp.is_empty() {
            ql.insert_node(0, Node::Packed(lp));
        }
        ql
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Heap bytes held, this struct included.
    pub fn heap(&self) -> usize {
        std::mem::size_of::<Quicklist>() + self.nodes.capacity() * std::mem::size_of::<Node>() + self.node_heap
    }

    /// The listpack of the only node, if there is exactly one and it is packed.
    pub fn single_listpack(&self) -> Option<&Listpack> {
        match self.nodes.len() {
            1 => self.nodes[0].lp(),
            _ => None,
        }
    }

    /// Takes the only node's listpack (see [`Quicklist::single_listpack`]).
    pub fn into_listpack(mut self) -> Listpack {
        match self.nodes.pop_front() {
            Some(Node::Packed(lp)) => lp,
            _ => Listpack::new(),
        }
    }

    fn insert_node(&mut self, at: usize, node: Node) {
        self.count += node.count();
        self.node_heap += node.heap();
        self.nodes.insert(at, node);
    }

    fn remove_node(&mut self, at: usize) -> Node {
        let node = self.nodes.remove(at).expect("node index in range");
        self.count -= node.count();
        self.node_heap -= node.heap();
        if self.nodes.capacity() > 16 && self.nodes.len() * 4 < self.nodes.capacity() {
            self.nodes.shrink_to(self.nodes.len() * 2);
        }
        node
    }

    /// Changes node `at` through `f`, keeping the counts right.
    fn modify<R>(&mut self, at: usize, f: impl FnOnce(&mut Node) -> R) -> R {
        let node = &mut self.nodes[at];
        let (count, heap) = (node.count(), node.heap());
        let r = f(node);
        self.count = self.count + node.count() - count;
        self.node_heap = self.node_heap + node.heap() - heap;
        r
    }

    /// Redis's `_quicklistNodeAllowInsert`.
    fn allow_insert(&self, at: Option<usize>, sz: usize) -> bool {
        match at.and_then(|i| self.nodes.get(i)) {
            Some(Node::Packed(lp)) => {
                !is_large(sz, self.fill)
                    && !exceeds_limit(self.fill, lp.bytes() + sz + SIZE_ESTIMATE_OVERHEAD, lp.len() + 1)
            }
            _ => false,
        }
    }

    /// Redis's `_quicklistNodeAllowMerge`.
    fn allow_merge(&self, a: Option<usize>, b: Option<usize>) -> bool {
        let (Some(a), Some(b)) = (a, b) else { return false };
        match (self.nodes.get(a).and_then(Node::lp), self.nodes.get(b).and_then(Node::lp)) {
            (Some(x), Some(y)) => !exceeds_limit(self.fill, x.bytes() + y.bytes() - OVERHEAD, x.len() + y.len()),
            _ => false,
        }
    }

    /// Merges node `at + 1` into node `at`.
    fn merge(&mut self, at: usize) {
        let Node::Packed(second) = self.remove_node(at + 1) else {
            unreachable!("allow_merge checked both nodes are packed")
        };
        self.modify(at, |n| n.lp_mut().append(second));
    }

    /// Redis's `_quicklistMergeNodes` around `center`; returns where the
    /// center ended up.
    fn merge_nodes(&mut self, mut center: usize) -> usize {
        if center >= 2 && self.allow_merge(Some(center - 1), Some(center - 2)) {
            self.merge(center - 2);
            center -= 1;
        }
        if self.allow_merge(Some(center + 1), Some(center + 2)) {
            self.merge(center + 1);
        }
        let mut target = center;
        if center >= 1 && self.allow_merge(Some(center), Some(center - 1)) {
            self.merge(center - 1);
            target = center - 1;
        }
        if self.allow_merge(Some(target), Some(target + 1)) {
            self.merge(target);
        }
        target
    }

    /// Splits node `at`: it keeps its first `k` elements, the rest go to a
    /// new node right after it.
    fn split(&mut self, at: usize, k: usize) {
        let tail = self.modify(at, |n| n.lp_mut().split_off(k));
        self.insert_node(at + 1, Node::Packed(tail));
    }

    /// Adds `v` at the head (`quicklistPushHead`).
    pub fn push_head(&mut self, v: &[u8]) {
        if is_large(v.len(), self.fill) {
            self.insert_node(0, Node::Plain(v.into()));
        } else if self.allow_insert(Some(0), v.len()) {
            self.modify(0, |n| n.lp_mut().push_front(v));
        } else {
            if let Some(Node::Packed(_)) = self.nodes.front() {
                self.modify(0, |n| n.lp_mut().release_front_room());
            }
            self.insert_node(0, Node::packed_with(v));
        }
    }

    /// Adds `v` at the tail (`quicklistPushTail`).
    pub fn push_tail(&mut self, v: &[u8]) {
        let last = self.nodes.len().checked_sub(1);
        if is_large(v.len(), self.fill) {
            self.insert_node(self.nodes.len(), Node::Plain(v.into()));
        } else if let (Some(i), true) = (last, self.allow_insert(last, v.len())) {
            self.modify(i, |n| n.lp_mut().push_back(v));
        } else {
            self.insert_node(self.nodes.len(), Node::packed_with(v));
        }
    }

    /// Removes and returns the head (`reverse`: the tail) element.
    pub fn pop(&mut self, tail: bool) -> Option<Bytes> {
        let at = if tail { self.nodes.len().checked_sub(1)? } else { 0 };
        if let Node::Plain(_) = self.nodes.get(at)? {
            let Node::Plain(b) = self.remove_node(at) else { unreachable!("checked plain") };
            return Some(Bytes::from(Vec::from(b)));
        }
        let v = self.modify(at, |n| if tail { n.lp_mut().pop_back() } else { n.lp_mut().pop_front() });
        if self.nodes[at].count() == 0 {
            self.remove_node(at);
        }
        v
    }

    /// (node, offset in node) of element `index`, walking from the nearer end.
    fn locate(&self, index: usize) -> Option<(usize, usize)> {
        if index >= self.count {
            return None;
        }
        if index <= (self.count - 1) / 2 {
            let mut acc = 0;
            for (i, n) in self.nodes.iter().enumerate() {
                if acc + n.count() > index {
                    return Some((i, index - acc));
                }
                acc += n.count();
            }
        } else {
            let mut acc = self.count;
            for (i, n) in self.nodes.iter().enumerate().rev() {
                acc -= n.count();
                if acc <= index {
                    return Some((i, index - acc));
                }
            }
        }
        None
    }

    /// Iterates from element `index` towards the tail (or the head).
    pub fn iter_at(&self, index: usize, reverse: bool) -> Iter<'_> {
        let at = self.locate(index);
        Iter { ql: self, node: at.map(|a| a.0), pos: at.and_then(|(n, off)| self.nodes[n].seek(off)), reverse }
    }

    /// Redis's `_quicklistInsert`: puts `v` before or after the element at
    /// offset `off` of node `at`.
    fn insert_at(&mut self, at: usize, off: usize, v: &[u8], after: bool) {
        let sz = v.len();
        let full = !self.allow_insert(Some(at), sz);
        let at_tail = after && off + 1 == self.nodes[at].count();
        let at_head = !after && off == 0;
        let avail_next = at_tail && self.allow_insert(Some(at + 1), sz);
        let avail_prev = at_head && at > 0 && self.allow_insert(Some(at - 1), sz);
        if is_large(sz, self.fill) {
            if matches!(self.nodes[at], Node::Plain(_)) || at_tail || at_head {
                self.insert_node(at + after as usize, Node::Plain(v.into()));
            } else {
                // [before the point][v][after the point]
                self.split(at, off + after as usize);
                self.insert_node(at + 1, Node::Plain(v.into()));
            }
            return;
        }
        if !full {
            self.modify(at, |n| {
                let lp = n.lp_mut();
                let p =
                    if after { lp.seek(off as i64 + 1).unwrap_or(lp.end()) } else { lp.seek(off as i64).unwrap_or(0) };
                lp.insert(p, v);
            });
        } else if at_tail && avail_next {
            self.modify(at + 1, |n| n.lp_mut().push_front(v));
        } else if at_head && avail_prev {
            self.modify(at - 1, |n| n.lp_mut().push_back(v));
        } else if at_tail || at_head {
            self.insert_node(at + after as usize, Node::packed_with(v));
        } else if after {
            // The original node keeps [0..=off]; the new one gets v first.
            self.split(at, off + 1);
            self.modify(at + 1, |n| n.lp_mut().push_front(v));
            self.merge_nodes(at);
        } else {
            // The new node gets [0..off) and v; the original keeps the rest.
            self.split(at, off);
            self.modify(at, |n| n.lp_mut().push_back(v));
            self.merge_nodes(at + 1);
        }
    }

    /// Inserts `v` before or after the first element equal to `pivot`;
    /// false if there is none.
    pub fn insert_at_pivot(&mut self, pivot: &[u8], v: &[u8], after: bool) -> bool {
        let found = self.nodes.iter().enumerate().find_map(|(i, n)| match n {
            Node::Plain(b) => (&b[..] == pivot).then_some((i, 0)),
            Node::Packed(lp) => lp.iter_from(lp.first(), false).position(|e| e.eq_bytes(pivot)).map(|off| (i, off)),
        });
        match found {
            Some((at, off)) => {
                self.insert_at(at, off, v, after);
                true
            }
            None => false,
        }
    }

    /// Replaces element `index` (`quicklistReplaceEntry`); false if out of range.
    pub fn replace(&mut self, index: usize, v: &[u8]) -> bool {
        let Some((at, off)) = self.locate(index) else { return false };
        let large = is_large(v.len(), self.fill);
        match (&self.nodes[at], large) {
            (Node::Packed(_), false) => self.modify(at, |n| {
                let lp = n.lp_mut();
                let p = lp.seek(off as i64).expect("located");
                lp.replace(p, v);
            }),
            (Node::Plain(_), true) => self.modify(at, |n| *n = Node::Plain(v.into())),
            (Node::Plain(_), false) => {
                self.insert_at(at, 0, v, true);
                self.remove_node(at);
            }
            (Node::Packed(lp), true) => {
                // The large value gets a plain node right after the entry
                // (splitting the node there), then the entry is deleted.
                if off + 1 != lp.len() {
                    self.split(at, off + 1);
                }
                self.insert_node(at + 1, Node::Plain(v.into()));
                if self.nodes[at].count() == 1 {
                    self.remove_node(at);
                } else {
                    self.modify(at, |n| {
                        n.lp_mut().pop_back();
                    });
                    self.merge_nodes(at + 1);
                }
            }
        }
        true
    }

    /// Removes `count` elements from index `start` (`quicklistDelRange`).
    pub fn delete_range(&mut self, start: usize, count: usize) {
        let Some((mut at, mut off)) = self.locate(start) else { return };
        let mut extent = count.min(self.count - start);
        while extent > 0 {
            let n = self.nodes[at].count();
            let del = extent.min(n - off);
            if (off == 0 && extent >= n) || matches!(self.nodes[at], Node::Plain(_)) {
                self.remove_node(at);
            } else {
                self.modify(at, |node| node.lp_mut().delete_range(off, del));
                at += 1;
            }
            extent -= del;
            off = 0;
        }
    }

    /// Removes up to `limit` elements equal to `v` (0: all), scanning from
    /// the head or the tail; returns how many were removed. Emptied nodes go
    /// away; nothing is merged (as Redis's `quicklistDelEntry`).
    pub fn remove(&mut self, v: &[u8], limit: usize, from_tail: bool) -> usize {
        let mut removed = 0;
        let mut at = if from_tail { self.nodes.len().checked_sub(1) } else { Some(0) };
        while let Some(i) = at {
            if i >= self.nodes.len() || (limit != 0 && removed == limit) {
                break;
            }
            let left = if limit == 0 { usize::MAX } else { limit - removed };
            let here = match &self.nodes[i] {
                Node::Plain(b) => usize::from(&b[..] == v),
                Node::Packed(_) => self.modify(i, |n| n.lp_mut().remove(v, left, from_tail)),
            };
            removed += here;
            let emptied = here > 0 && (matches!(self.nodes[i], Node::Plain(_)) || self.nodes[i].count() == 0);
            if emptied {
                self.remove_node(i);
            }
            // Going forward, the node after a removed one slides into `i`.
            at = if from_tail {
                i.checked_sub(1)
            } else if emptied {
                Some(i)
            } else {
                Some(i + 1)
            };
        }
        removed
    }
}

#[cfg(test)]
impl Quicklist {
    /// Panics unless the cached counts match the nodes and no node is empty.
    pub fn check_invariants(&self) {
        assert_eq!(self.count, self.nodes.iter().map(Node::count).sum::<usize>(), "element count");
        assert_eq!(self.node_heap, self.nodes.iter().map(Node::heap).sum::<usize>(), "heap bytes");
        assert!(self.nodes.iter().all(|n| n.count() > 0), "no empty node");
    }

    /// (is plain, element count) of every node, head first.
    pub fn layout(&self) -> Vec<(bool, usize)> {
        self.nodes.iter().map(|n| (matches!(n, Node::Plain(_)), n.count())).collect()
    }
}

/// Iterator over a quicklist's elements in one direction.
pub struct Iter<'a> {
    ql: &'a Quicklist,
    node: Option<usize>,
    pos: Option<usize>,
    reverse: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Elem<'a>;

    fn next(&mut self) -> Option<Elem<'a>> {
        loop {
            let at = self.node?;
            let node = &self.ql.nodes[at];
            if let Some(p) = self.pos {
                return Some(match node {
                    Node::Plain(b) => {
                        self.pos = None;
                        Elem::Str(b)
                    }
                    Node::Packed(lp) => {
                        self.pos = if self.reverse { lp.prev(p) } else { lp.next(p) };
                        lp.get(p)
                    }
                });
            }
            self.node =
                if self.reverse { at.checked_sub(1) } else { Some(at + 1).filter(|n| *n < self.ql.nodes.len()) };
            self.pos = self.node.and_then(|n| self.ql.nodes[n].edge(self.reverse));
        }
    }
}
