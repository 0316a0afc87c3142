package schema

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// duplicateAnchors reports an anchor ("&name") defined a second time in
// the document under root. YAML allows it, an alias then meaning the
// latest value of that name, but in a schema it is a mistake: the same
// "*name" would repeat different values in different places.
func (l *loader) duplicateAnchors(root *yaml.Node) {
	first := map[string]Pos{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Anchor != "" {
			pos := l.anchorPos(n)
			if f, dup := first[n.Anchor]; dup {
				l.errs.Add(pos, fmt.Sprintf("anchor &%s is already defined at line %d, column %d; rename one of them, "+
					"and the aliases meant for it: a second &%s makes *%s repeat a different value from here on",
					n.Anchor, f.Line, f.Col, n.Anchor, n.Anchor))
			} else {
				first[n.Anchor] = pos
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
}

// anchorPos returns the position of the "&name" of node n, which yaml.v3
// places at the start of the node's properties (its tag may come first).
func (l *loader) anchorPos(n *yaml.Node) Pos {
	pos := l.pos(n)
	line := l.source().text(n.Line)
	from := byteOffset(line, n.Column)
	if i := strings.Index(line[from:], "&"+n.Anchor); i >= 0 {
		pos.Col = column(line, from+i)
	}
	return pos
}
