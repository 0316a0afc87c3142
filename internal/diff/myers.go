package diff

// differ marks the lines of a deleted and the lines of b inserted by a
// shortest edit script. Lines marked in neither are kept.
type differ struct {
	a, b       []string
	delA, insB []bool
}

// box is the region a[left:right] × b[top:bottom] of the edit graph.
type box struct {
	left, right, top, bottom int
}

func (bx box) width() int  { return bx.right - bx.left }
func (bx box) height() int { return bx.bottom - bx.top }

// delta is the diagonal k = x - y, relative to the box, of its end.
func (bx box) delta() int { return bx.width() - bx.height() }

// compare marks the changes of a[left:right] against b[top:bottom].
func (d *differ) compare(left, right, top, bottom int) {
	for left < right && top < bottom && d.a[left] == d.b[top] {
		left, top = left+1, top+1
	}
	for left < right && top < bottom && d.a[right-1] == d.b[bottom-1] {
		right, bottom = right-1, bottom-1
	}
	switch {
	case left == right:
		markAll(d.insB[top:bottom])
	case top == bottom:
		markAll(d.delA[left:right])
	default:
		s := d.middleSnake(box{left, right, top, bottom})
		d.compare(left, s.startX, top, s.startY)
		d.compare(s.endX, right, s.endY, bottom)
	}
}

// markAll sets every mark.
func markAll(marks []bool) {
	for i := range marks {
		marks[i] = true
	}
}

// snake is a part of a shortest path through a box: the edit from
// (startX, startY), which compare marks, and the diagonal of kept lines
// ending at (endX, endY). The part before start and the part after end are
// left for recursion.
type snake struct {
	startX, startY, endX, endY int
}

// middleSnake finds a snake in the middle of a shortest path through bx by
// searching forwards from the top left and backwards from the bottom right
// until the searches overlap; it marks the snake's edit. The box must not
// be empty in either direction and must not start or end with equal lines,
// so the path has at least one edit.
func (d *differ) middleSnake(bx box) snake {
	limit := (bx.width() + bx.height() + 1) / 2
	fwd := newFrontier(limit, bx.left)   // furthest x on each diagonal
	bwd := newFrontier(limit, bx.bottom) // furthest (lowest) y on each diagonal
	for depth := 0; ; depth++ {
		if s, ok := d.forward(bx, fwd, bwd, depth); ok {
			return s
		}
		if s, ok := d.backward(bx, fwd, bwd, depth); ok {
			return s
		}
	}
}

// frontier holds one value per diagonal k in [-limit-1, limit+1].
type frontier struct {
	v   []int
	off int
}

// newFrontier returns a frontier whose diagonal 1 holds start, where the
// search of depth 0 begins.
func newFrontier(limit, start int) *frontier {
	f := &frontier{v: make([]int, 2*limit+3), off: limit + 1}
	f.set(1, start)
	return f
}

func (f *frontier) get(k int) int      { return f.v[k+f.off] }
func (f *frontier) set(k, val int)     { f.v[k+f.off] = val }
func (f *frontier) inRange(k int) bool { return k+f.off >= 0 && k+f.off < len(f.v) }

// forward extends the forward search to depth edits. On overlap with the
// backward search it marks the last edit and returns the snake.
func (d *differ) forward(bx box, fwd, bwd *frontier, depth int) (snake, bool) {
	for k := depth; k >= -depth; k -= 2 {
		var px, x int
		if k == -depth || (k != depth && fwd.get(k-1) < fwd.get(k+1)) {
			px = fwd.get(k + 1) // move down: insert b[y-1]
			x = px
		} else {
			px = fwd.get(k - 1) // move right: delete a[px]
			x = px + 1
		}
		y := bx.top + (x - bx.left) - k
		py := y
		if depth > 0 && x == px {
			py = y - 1
		}
		x0, y0 := x, y
		for x < bx.right && y < bx.bottom && d.a[x] == d.b[y] {
			x, y = x+1, y+1
		}
		fwd.set(k, x)
		c := k - bx.delta()
		if bx.delta()%2 != 0 && c >= -(depth-1) && c <= depth-1 && y >= bwd.get(c) {
			d.markEdit(px, py, x0, y0)
			return snake{startX: px, startY: py, endX: x, endY: y}, true
		}
	}
	return snake{}, false
}

// backward extends the backward search to depth edits. On overlap with the
// forward search it marks the last edit and returns the snake.
func (d *differ) backward(bx box, fwd, bwd *frontier, depth int) (snake, bool) {
	for c := depth; c >= -depth; c -= 2 {
		var py, y int
		if c == -depth || (c != depth && bwd.get(c-1) > bwd.get(c+1)) {
			py = bwd.get(c + 1) // move left: delete a[x]
			y = py
		} else {
			py = bwd.get(c - 1) // move up: insert b[y]
			y = py - 1
		}
		k := c + bx.delta()
		x := bx.left + (y - bx.top) + k
		px := x
		if depth > 0 && y == py {
			px = x + 1
		}
		x0, y0 := x, y
		for x > bx.left && y > bx.top && d.a[x-1] == d.b[y-1] {
			x, y = x-1, y-1
		}
		bwd.set(c, y)
		if bx.delta()%2 == 0 && k >= -depth && k <= depth && fwd.inRange(k) && x <= fwd.get(k) {
			d.markEdit(x0, y0, px, py)
			return snake{startX: x, startY: y, endX: px, endY: py}, true
		}
	}
	return snake{}, false
}

// markEdit marks the single edit from (x0, y0) to (x1, y1): a step right
// deletes a[x0], a step down inserts b[y0]. No step marks nothing.
func (d *differ) markEdit(x0, y0, x1, y1 int) {
	switch {
	case x1 == x0+1 && y1 == y0:
		d.delA[x0] = true
	case y1 == y0+1 && x1 == x0:
		d.insB[y0] = true
	}
}
