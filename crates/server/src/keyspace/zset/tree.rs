//! An order-statistic B+tree of item ids, ordered by the items' `(score,
//! member)` keys: the rank structure of the large sorted-set encoding.
//!
//! Leaves hold up to [`CAP`] ids and are linked both ways for range walks;
//! inner nodes hold, per child, its element count (for rank and select in
//! O(log n)) and the id of its largest item (for descending by key). Every
//! change walks its root-to-leaf path back up and refreshes those two
//! figures, so an inner node never refers to a removed item.
//!
//! The tree stores no keys itself: every comparison reads the item arena
//! passed in by the caller, so an element costs four bytes here.

use super::pack::key_less;

/// Most entries a node holds; a node briefly holds one more before it
/// splits, so its vectors hold `CAP + 1` = 64 `u32`s: 256 bytes, exactly a
/// jemalloc size class.
const CAP: usize = 63;
/// A non-root node with fewer entries is merged or rebalanced.
const MIN: usize = CAP / 4;
/// No node.
pub const NIL: u32 = u32::MAX;

/// One element of the large encoding.
#[derive(Debug, Clone)]
pub struct Item {
    /// The member bytes.
    pub member: Box<[u8]>,
    /// Its score.
    pub score: f64,
}

#[derive(Debug, Clone)]
enum Node {
    Leaf { ids: Vec<u32>, prev: u32, next: u32 },
    Inner { kids: Vec<u32>, counts: Vec<u32>, maxes: Vec<u32> },
}

/// The tree (nodes in an arena, addressed by `u32`).
#[derive(Debug, Clone)]
pub struct Tree {
    nodes: Vec<Node>,
    free: Vec<u32>,
    root: u32,
    head: u32,
    tail: u32,
    len: usize,
    leaves: usize,
    inners: usize,
}

/// A position in the leaf chain.
#[derive(Debug, Clone, Copy)]
pub struct Cursor {
    leaf: u32,
    pos: usize,
}

impl Default for Tree {
    fn default() -> Self {
        Tree { nodes: Vec::new(), free: Vec::new(), root: NIL, head: NIL, tail: NIL, len: 0, leaves: 0, inners: 0 }
    }
}

fn less_id(items: &[Item], a: u32, score: f64, member: &[u8]) -> bool {
    let it = &items[a as usize];
    key_less(it.score, &it.member, score, member)
}

impl Tree {
    /// Number of ids.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Heap bytes held by the nodes.
    pub fn mem_usage(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.free.capacity() * 4
            + self.leaves * (CAP + 1) * 4
            + self.inners * (CAP + 1) * 4 * 3
    }

    fn alloc(&mut self, node: Node) -> u32 {
        match node {
            Node::Leaf { .. } => self.leaves += 1,
            Node::Inner { .. } => self.inners += 1,
        }
        match self.free.pop() {
            Some(i) => {
                self.nodes[i as usize] = node;
                i
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        }
    }

    fn release(&mut self, n: u32) {
        match self.nodes[n as usize] {
            Node::Leaf { .. } => self.leaves -= 1,
            Node::Inner { .. } => self.inners -= 1,
        }
        self.nodes[n as usize] = Node::Leaf { ids: Vec::new(), prev: NIL, next: NIL };
        self.free.push(n);
    }

    fn new_leaf(ids: Vec<u32>, prev: u32, next: u32) -> Node {
        let mut v = Vec::with_capacity(CAP + 1);
        v.extend_from_slice(&ids);
        Node::Leaf { ids: v, prev, next }
    }

    fn entries(&self, n: u32) -> usize {
        match &self.nodes[n as usize] {
            Node::Leaf { ids, .. } => ids.len(),
            Node::Inner { kids, .. } => kids.len(),
        }
    }

    fn count_of(&self, n: u32) -> u32 {
        match &self.nodes[n as usize] {
            Node::Leaf { ids, .. } => ids.len() as u32,
            Node::Inner { counts, .. } => counts.iter().sum(),
        }
    }

    fn max_of(&self, n: u32) -> u32 {
        match &self.nodes[n as usize] {
            Node::Leaf { ids, .. } => *ids.last().expect("live nodes are not empty"),
            Node::Inner { maxes, .. } => *maxes.last().expect("live nodes are not empty"),
        }
    }

    fn inner_mut(&mut self, n: u32) -> (&mut Vec<u32>, &mut Vec<u32>, &mut Vec<u32>) {
        match &mut self.nodes[n as usize] {
            Node::Inner { kids, counts, maxes } => (kids, counts, maxes),
            Node::Leaf { .. } => unreachable!("path entries are inner nodes"),
        }
    }

    /// Refreshes the count and max a parent keeps for its child `i`.
    fn refresh(&mut self, p: u32, i: usize) {
        let kid = self.inner_mut(p).0[i];
        let (c, m) = (self.count_of(kid), self.max_of(kid));
        let (_, counts, maxes) = self.inner_mut(p);
        counts[i] = c;
        maxes[i] = m;
    }

    /// Inserts `id`, whose key must not be present yet.
    pub fn insert(&mut self, items: &[Item], id: u32) {
        self.len += 1;
        if self.root == NIL {
            let leaf = self.alloc(Self::new_leaf(vec![id], NIL, NIL));
            (self.root, self.head, self.tail) = (leaf, leaf, leaf);
            return;
        }
        let (score, member) = (items[id as usize].score, &items[id as usize].member[..]);
        let mut path: Vec<(u32, usize)> = Vec::new();
        let mut n = self.root;
        let appended;
        loop {
            match &mut self.nodes[n as usize] {
                Node::Inner { kids, maxes, .. } => {
                    let i = maxes.partition_point(|&m| less_id(items, m, score, member)).min(kids.len() - 1);
                    path.push((n, i));
                    n = kids[i];
                }
                Node::Leaf { ids, .. } => {
                    let pos = ids.partition_point(|&m| less_id(items, m, score, member));
                    ids.insert(pos, id);
                    appended = pos == ids.len() - 1;
                    break;
                }
            }
        }
        for &(p, i) in path.iter().rev() {
            self.refresh(p, i);
        }
        // Split overfull nodes bottom-up. Appends at the end (loading sorted
        // data) leave the left node full rather than half full.
        let at_end = appended && n == self.tail;
        let mut child = n;
        let mut level = path.len();
        while self.entries(child) > CAP {
            let right = self.split(child, if at_end { CAP } else { CAP / 2 });
            if level == 0 {
                let (c0, c1) = (self.count_of(child), self.count_of(right));
                let (m0, m1) = (self.max_of(child), self.max_of(right));
                let mut kids = Vec::with_capacity(CAP + 1);
                kids.extend([child, right]);
                let mut counts = Vec::with_capacity(CAP + 1);
                counts.extend([c0, c1]);
                let mut maxes = Vec::with_capacity(CAP + 1);
                maxes.extend([m0, m1]);
                self.root = self.alloc(Node::Inner { kids, counts, maxes });
                break;
            }
            let (p, i) = path[level - 1];
            let (c1, m1) = (self.count_of(right), self.max_of(right));
            let (kids, counts, maxes) = self.inner_mut(p);
            kids.insert(i + 1, right);
            counts.insert(i + 1, c1);
            maxes.insert(i + 1, m1);
            self.refresh(p, i);
            child = p;
            level -= 1;
        }
    }

    /// Moves the entries of `n` from `at` on into a new right sibling.
    fn split(&mut self, n: u32, at: usize) -> u32 {
        match &mut self.nodes[n as usize] {
            Node::Leaf { ids, next, .. } => {
                let moved = ids.split_off(at);
                let old_next = *next;
                let right = self.alloc(Self::new_leaf(moved, n, old_next));
                if let Node::Leaf { next, .. } = &mut self.nodes[n as usize] {
                    *next = right;
                }
                match old_next {
                    NIL => self.tail = right,
                    nx => {
                        if let Node::Leaf { prev, .. } = &mut self.nodes[nx as usize] {
                            *prev = right;
                        }
                    }
                }
                right
            }
            Node::Inner { kids, counts, maxes } => {
                let mut k = Vec::with_capacity(CAP + 1);
                k.extend(kids.drain(at..));
                let mut c = Vec::with_capacity(CAP + 1);
                c.extend(counts.drain(at..));
                let mut m = Vec::with_capacity(CAP + 1);
                m.extend(maxes.drain(at..));
                self.alloc(Node::Inner { kids: k, counts: c, maxes: m })
            }
        }
    }

    /// Removes the id whose key is `(score, member)`; returns it if found.
    pub fn remove(&mut self, items: &[Item], score: f64, member: &[u8]) -> Option<u32> {
        if self.root == NIL {
            return None;
        }
        let mut path: Vec<(u32, usize)> = Vec::new();
        let mut n = self.root;
        let removed;
        loop {
            match &mut self.nodes[n as usize] {
                Node::Inner { kids, maxes, .. } => {
                    let i = maxes.partition_point(|&m| less_id(items, m, score, member));
                    if i == kids.len() {
                        return None;
                    }
                    path.push((n, i));
                    n = kids[i];
                }
                Node::Leaf { ids, .. } => {
                    let pos = ids.partition_point(|&m| less_id(items, m, score, member));
                    let found = ids.get(pos).is_some_and(|&m| {
                        let it = &items[m as usize];
                        it.score == score && &it.member[..] == member
                    });
                    if !found {
                        return None;
                    }
                    removed = ids.remove(pos);
                    break;
                }
            }
        }
        self.len -= 1;
        let mut child = n;
        for &(p, i) in path.iter().rev() {
            if self.entries(child) < MIN {
                self.rebalance(p, i);
            } else {
                self.refresh(p, i);
            }
            child = p;
        }
        self.collapse_root();
        Some(removed)
    }

    fn collapse_root(&mut self) {
        loop {
            match &self.nodes[self.root as usize] {
                Node::Inner { kids, .. } if kids.len() == 1 => {
                    let only = kids[0];
                    self.release(self.root);
                    self.root = only;
                }
                Node::Inner { kids, .. } if kids.is_empty() => {
                    self.release(self.root);
                    (self.root, self.head, self.tail) = (NIL, NIL, NIL);
                    return;
                }
                Node::Leaf { ids, .. } if ids.is_empty() => {
                    self.release(self.root);
                    (self.root, self.head, self.tail) = (NIL, NIL, NIL);
                    return;
                }
                _ => return,
            }
        }
    }

    /// Child `i` of `p` is underfull: merge it with a sibling, or even the
    /// two out when they would not fit in one node.
    fn rebalance(&mut self, p: u32, i: usize) {
        let nkids = self.inner_mut(p).0.len();
        if nkids == 1 {
            // Only a root can have a single child; collapse_root handles it.
            let kid = self.inner_mut(p).0[0];
            if self.entries(kid) == 0 {
                self.unlink_leaf(kid);
                self.release(kid);
                let (kids, counts, maxes) = self.inner_mut(p);
                kids.clear();
                counts.clear();
                maxes.clear();
            } else {
                self.refresh(p, 0);
            }
            return;
        }
        let l = if i + 1 < nkids { i } else { i - 1 };
        let (left, right) = {
            let kids = &self.inner_mut(p).0;
            (kids[l], kids[l + 1])
        };
        let total = self.entries(left) + self.entries(right);
        if total <= CAP {
            self.merge(left, right);
            let (kids, counts, maxes) = self.inner_mut(p);
            kids.remove(l + 1);
            counts.remove(l + 1);
            maxes.remove(l + 1);
            self.refresh(p, l);
        } else {
            self.even_out(left, right, total / 2);
            self.refresh(p, l);
            self.refresh(p, l + 1);
        }
    }

    fn unlink_leaf(&mut self, n: u32) {
        let (prev, next) = match &self.nodes[n as usize] {
            Node::Leaf { prev, next, .. } => (*prev, *next),
            Node::Inner { .. } => return,
        };
        match prev {
            NIL => self.head = next,
            p => {
                if let Node::Leaf { next: pn, .. } = &mut self.nodes[p as usize] {
                    *pn = next;
                }
            }
        }
        match next {
            NIL => self.tail = prev,
            nx => {
                if let Node::Leaf { prev: np, .. } = &mut self.nodes[nx as usize] {
                    *np = prev;
                }
            }
        }
    }

    /// Two distinct nodes, mutably.
    fn two_mut(&mut self, a: u32, b: u32) -> (&mut Node, &mut Node) {
        let (lo, hi) = (a.min(b) as usize, a.max(b) as usize);
        let (x, y) = self.nodes.split_at_mut(hi);
        if (a as usize) == lo {
            (&mut x[lo], &mut y[0])
        } else {
            (&mut y[0], &mut x[lo])
        }
    }

    /// Appends `right`'s entries to `left` and frees `right`.
    fn merge(&mut self, left: u32, right: u32) {
        self.unlink_leaf(right);
        match self.two_mut(left, right) {
            (Node::Leaf { ids: l, .. }, Node::Leaf { ids: r, .. }) => l.append(r),
            (Node::Inner { kids: lk, counts: lc, maxes: lm }, Node::Inner { kids: rk, counts: rc, maxes: rm }) => {
                lk.append(rk);
                lc.append(rc);
                lm.append(rm);
            }
            _ => unreachable!("siblings are at the same depth"),
        }
        self.release(right);
    }

    /// Moves entries between two adjacent siblings so `left` holds `want`.
    fn even_out(&mut self, left: u32, right: u32, want: usize) {
        fn shift(l: &mut Vec<u32>, r: &mut Vec<u32>, want: usize) {
            if l.len() > want {
                let moved: Vec<u32> = l.drain(want..).collect();
                r.splice(0..0, moved);
            } else {
                let n = want - l.len();
                l.extend(r.drain(..n));
            }
        }
        match self.two_mut(left, right) {
            (Node::Leaf { ids: l, .. }, Node::Leaf { ids: r, .. }) => shift(l, r, want),
            (Node::Inner { kids: lk, counts: lc, maxes: lm }, Node::Inner { kids: rk, counts: rc, maxes: rm }) => {
                shift(lk, rk, want);
                shift(lc, rc, want);
                shift(lm, rm, want);
            }
            _ => unreachable!("siblings are at the same depth"),
        }
    }

    /// Number of leading ids for which `pred(id)` holds; `pred` must hold
    /// for a prefix of the order (true, ..., true, false, ..., false).
    pub fn count_while(&self, mut pred: impl FnMut(u32) -> bool) -> usize {
        let mut n = self.root;
        let mut acc = 0usize;
        if n == NIL {
            return 0;
        }
        loop {
            match &self.nodes[n as usize] {
                Node::Inner { kids, counts, maxes } => {
                    let mut next = None;
                    for (i, &m) in maxes.iter().enumerate() {
                        if pred(m) {
                            acc += counts[i] as usize;
                        } else {
                            next = Some(kids[i]);
                            break;
                        }
                    }
                    match next {
                        Some(k) => n = k,
                        None => return acc,
                    }
                }
                Node::Leaf { ids, .. } => return acc + ids.partition_point(|&m| pred(m)),
            }
        }
    }

    /// The position of rank `rank`, if it exists.
    pub fn seek(&self, mut rank: usize) -> Option<Cursor> {
        if rank >= self.len {
            return None;
        }
        let mut n = self.root;
        loop {
            match &self.nodes[n as usize] {
                Node::Inner { kids, counts, .. } => {
                    let mut i = 0;
                    while rank >= counts[i] as usize {
                        rank -= counts[i] as usize;
                        i += 1;
                    }
                    n = kids[i];
                }
                Node::Leaf { .. } => return Some(Cursor { leaf: n, pos: rank }),
            }
        }
    }

    /// The id under a cursor.
    pub fn id_at(&self, c: Cursor) -> u32 {
        match &self.nodes[c.leaf as usize] {
            Node::Leaf { ids, .. } => ids[c.pos],
            Node::Inner { .. } => unreachable!("cursors point into leaves"),
        }
    }

    /// The next position in order.
    pub fn next(&self, c: Cursor) -> Option<Cursor> {
        match &self.nodes[c.leaf as usize] {
            Node::Leaf { ids, next, .. } => {
                if c.pos + 1 < ids.len() {
                    Some(Cursor { leaf: c.leaf, pos: c.pos + 1 })
                } else if *next != NIL {
                    Some(Cursor { leaf: *next, pos: 0 })
                } else {
                    None
                }
            }
            Node::Inner { .. } => None,
        }
    }

    /// The previous position in order.
    pub fn prev(&self, c: Cursor) -> Option<Cursor> {
        if c.pos > 0 {
            return Some(Cursor { leaf: c.leaf, pos: c.pos - 1 });
        }
        match &self.nodes[c.leaf as usize] {
            Node::Leaf { prev, .. } if *prev != NIL => {
                let len = self.entries(*prev);
                Some(Cursor { leaf: *prev, pos: len - 1 })
            }
            _ => None,
        }
    }

    /// Checks the structural invariants (tests).
    #[cfg(test)]
    pub fn check(&self, items: &[Item]) {
        fn walk(t: &Tree, items: &[Item], n: u32, depth: usize, leaf_depth: &mut Option<usize>, is_root: bool) -> u32 {
            match &t.nodes[n as usize] {
                Node::Leaf { ids, .. } => {
                    assert!(is_root || ids.len() >= MIN.min(1), "empty leaf");
                    assert!(ids.len() <= CAP);
                    assert!(ids.windows(2).all(|w| {
                        let (a, b) = (&items[w[0] as usize], &items[w[1] as usize]);
                        key_less(a.score, &a.member, b.score, &b.member)
                    }));
                    match leaf_depth {
                        Some(d) => assert_eq!(*d, depth, "leaves at one depth"),
                        None => *leaf_depth = Some(depth),
                    }
                    ids.len() as u32
                }
                Node::Inner { kids, counts, maxes } => {
                    assert!(kids.len() <= CAP && (is_root || kids.len() >= 2));
                    let mut total = 0;
                    for (i, &k) in kids.iter().enumerate() {
                        let c = walk(t, items, k, depth + 1, leaf_depth, false);
                        assert_eq!(c, counts[i], "count of child");
                        assert_eq!(t.max_of(k), maxes[i], "max of child");
                        total += c;
                    }
                    total
                }
            }
        }
        if self.root == NIL {
            assert_eq!(self.len, 0);
            return;
        }
        let total = walk(self, items, self.root, 0, &mut None, true);
        assert_eq!(total as usize, self.len);
        let mut c = self.seek(0);
        let mut seen = 0;
        while let Some(cur) = c {
            seen += 1;
            c = self.next(cur);
        }
        assert_eq!(seen, self.len, "leaf chain covers every id");
    }
}
