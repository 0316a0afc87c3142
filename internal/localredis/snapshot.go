package localredis

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// Save makes the server write its data to dump.rdb (SAVE) and returns the
// path of a copy of that file, which RestoreFrom accepts later, after more
// writes. The copy lives in the server's directory until Close.
func (s *Server) Save(ctx context.Context) (snapshot string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sync()
	if err := s.need("save", running); err != nil {
		return "", err
	}
	if err := s.client.Save(ctx).Err(); err != nil {
		return "", fmt.Errorf("localredis: SAVE on %s: %w", s.Addr(), err)
	}
	s.saves++
	snapshot = filepath.Join(s.dir, "snapshot-"+strconv.Itoa(s.saves)+".rdb")
	if err := copyFile(snapshot, s.dumpPath()); err != nil {
		return "", fmt.Errorf("localredis: keep the snapshot of %s: %w", s.Addr(), err)
	}
	return snapshot, nil
}

// RestoreFrom kills the server, makes snapshot (a path from Save) its
// dump.rdb and starts it again, waiting until it answers: the server comes
// back with exactly the data of the snapshot. A cluster node keeps its
// nodes.conf, so it rejoins the cluster with its old identity.
func (s *Server) RestoreFrom(ctx context.Context, snapshot string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sync() == closed {
		return s.need("restore", running)
	}
	if _, err := os.Stat(snapshot); err != nil {
		return fmt.Errorf("localredis: restore %s: %w", s.Addr(), err)
	}
	s.stop()
	if err := copyFile(s.dumpPath(), snapshot); err != nil {
		return fmt.Errorf("localredis: restore %s: %w", s.Addr(), err)
	}
	return s.start(ctx)
}

// copyFile writes a copy of src to dst through a temporary file, so that dst
// is never seen half written.
func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".copy-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
