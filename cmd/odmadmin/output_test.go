//go:build unix

package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestOutputSymlink: -o through a symbolic link replaces the file it points to; the link stays.
func TestOutputSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.json")
	if err := os.WriteFile(target, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("real.json", link); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := mapRun(t, "", "-o", link, mapInForm); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
	}
	b, _ := os.ReadFile(target)
	if !bytes.Contains(b, []byte(`"users"`)) {
		t.Errorf("target not written: %q", b)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want the replaced file's 0640", fi.Mode().Perm())
	}
	leftovers(t, dir)
}

// TestOutputFIFO: -o a FIFO writes into it and leaves it a FIFO.
func TestOutputFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo, read := readFIFO(t, dir)
	code, _, errs := mapRun(t, "", "-o", fifo, mapInForm)
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the FIFO was replaced: %v", fi.Mode()) // (the reader is left waiting)
	}
	got := read()
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !bytes.Contains(got, []byte(`"users"`)) {
		t.Errorf("nothing read from the FIFO: %q", got)
	}
	leftovers(t, dir)
}

// TestOutputSameAsInput: -o naming the input file rewrites it from the input read.
func TestOutputSameAsInput(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(htnDemo)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, "in.xml")
	if err := os.WriteFile(f, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := mapRun(t, "", "--to", "odm", "-o", f, f); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	c14nEqual(t, htnDemo, mustRead(t, f))
	leftovers(t, dir)
}

// TestOutputErrorNamesPath: a failed -o names the -o path, never the temporary file.
func TestOutputErrorNamesPath(t *testing.T) {
	out := filepath.Join(t.TempDir(), "no-such-dir", "out.json")
	code, _, errs := mapRun(t, "", "-o", out, mapInForm)
	if code != 2 || !strings.Contains(errs, out) || strings.Contains(errs, ".tmp-") {
		t.Errorf("exit %d: %s", code, errs)
	}
	// It says what failed: "open: no such file or directory" read, for an -o that
	// exists in a directory where no file can be made (/proc), as if it were missing.
	if !strings.Contains(errs, "cannot create a temporary file in "+filepath.Dir(out)) {
		t.Errorf("the error does not say the temporary file could not be made: %s", errs)
	}
}

func mustRead(t *testing.T, f string) []byte {
	t.Helper()
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// leftovers fails when a temporary output file is left in dir.
func leftovers(t *testing.T, dir string) {
	t.Helper()
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// buildBinary builds odmadmin for the tests that send it signals.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "odmadmin")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestOutputSignals: SIGINT, SIGTERM or SIGHUP during -o leaves neither the output nor the
// temporary file, and the message names the -o path. The input is a FIFO fed slowly, so
// that the command is caught writing (it stops at its next write) or waiting for input
// (it is ended after a grace period).
func TestOutputSignals(t *testing.T) {
	bin := buildBinary(t)
	// -o /dev/stdout (a pipe here) is written through, not replaced.
	cmd := exec.Command(bin, "map", "-o", "/dev/stdout", mapInForm)
	got, err := cmd.Output()
	if err != nil || !bytes.Contains(got, []byte(`"users"`)) {
		t.Errorf("-o /dev/stdout: %v, %q", err, got)
	}
	for _, c := range []struct {
		sig     syscall.Signal
		feeding bool
	}{{syscall.SIGINT, true}, {syscall.SIGTERM, true}, {syscall.SIGHUP, true}, {syscall.SIGTERM, false}} {
		dir := t.TempDir()
		fifo := filepath.Join(dir, "in.xml")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		out := filepath.Join(dir, "out.xml")
		cmd := exec.Command(bin, "convert", "--to", "odm", "-o", out, fifo)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		fed := make(chan struct{})
		go func() {
			defer close(fed)
			bw := bufio.NewWriter(w)
			bw.WriteString(`<?xml version="1.0"?><ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00"><AdminData>`)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if c.feeding || i < 2000 {
					if _, err := bw.WriteString(`<User OID="U` + strings.Repeat("x", 20) + `"><LoginName>l</LoginName></User>`); err != nil {
						return
					}
				} else {
					bw.Flush()
					time.Sleep(10 * time.Millisecond)
				}
			}
		}()
		time.Sleep(300 * time.Millisecond)
		if err := cmd.Process.Signal(c.sig); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: the command did not stop", c.sig)
		}
		close(stop)
		w.Close()
		<-fed
		if code := cmd.ProcessState.ExitCode(); code != 2 {
			t.Errorf("%v (feeding %v): exit %d, want 2; stderr %s", c.sig, c.feeding, code, stderr.String())
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: output written despite the interrupt", c.sig)
		}
		leftovers(t, dir)
		msg := stderr.String()
		if !strings.Contains(msg, out+" not written") || strings.Contains(msg, ".tmp-") {
			t.Errorf("%v (feeding %v): message %q, want it to name %s and not the temporary file", c.sig, c.feeding, msg, out)
		}
	}
}

// outputCommands are a run of every command that takes -o, on the repository's fixtures,
// with the exit code it gives (1: findings or differences, still written).
var outputCommands = []struct {
	args []string
	code int
}{
	{[]string{"convert", "--to", "json", htnDemo}, 0},
	{[]string{"map", "--to", "csv", "--study", "HTN-DEMO", "--quiet", htnDemo}, 0},
	{[]string{"map", "--to", "xlsx", "--study", "HTN-DEMO", "--quiet", htnDemo}, 0},
	{[]string{"check", "--quiet", htnDemo}, 0},
	{[]string{"query", "--xpath", "//odm:User/odm:LoginName", htnDemo}, 0},
	{[]string{"diff", "--key", "login", "--quiet", diffDir + "inform.xml", diffDir + "rave.xml"}, 1},
	{[]string{"plan", "--quiet", "--existing", planDir + "existing.xml", "--upload", planDir + "clean.csv"}, 0},
	{[]string{"contacts", "--quiet", "testdata/contacts/valid.csv"}, 0},
	{[]string{"accounts", "--quiet", "--format", "json", "testdata/accounts/share.csv"}, 0},
}

// TestOutputNonRegularEveryCommand: -o a device (/dev/null) or a FIFO is written
// through by every command, never replaced by a renamed temporary file (which
// /dev/null's directory refuses, and which would turn a FIFO into a file its reader never
// sees). writeOutput is the one way the commands write -o; this holds each command to it.
func TestOutputNonRegularEveryCommand(t *testing.T) {
	for _, c := range outputCommands {
		name := strings.Join(c.args[:1], " ")
		t.Run(name+"/dev-null", func(t *testing.T) {
			args := append([]string{c.args[0], "-o", os.DevNull}, c.args[1:]...)
			code, out, errs := runCmd(strings.NewReader(""), args...)
			if code != c.code || out != "" {
				t.Errorf("exit %d (want %d), stdout %q: %s", code, c.code, out, errs)
			}
			if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode().IsRegular() {
				t.Fatalf("%s was replaced: %v", os.DevNull, err)
			}
		})
		t.Run(name+"/fifo", func(t *testing.T) {
			dir := t.TempDir()
			fifo, read := readFIFO(t, dir)
			args := append([]string{c.args[0], "-o", fifo}, c.args[1:]...)
			code, _, errs := runCmd(strings.NewReader(""), args...)
			if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
				t.Fatalf("the FIFO was replaced: %v", err) // (the reader is left waiting)
			}
			got := read()
			if code != c.code || len(got) == 0 {
				t.Errorf("exit %d (want %d), %d bytes read from the FIFO: %s", code, c.code, len(got), errs)
			}
			leftovers(t, dir)
		})
	}
}

// TestOutputDevStdoutFile: -o /dev/stdout with stdout a regular file (a shell's
// "> out") is written through the descriptor, after what the file already holds from
// that descriptor, as "{ echo header; odmadmin ... -o /dev/stdout; } > out" expects: no
// temporary file renamed over it, no truncation of the header.
func TestOutputDevStdoutFile(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	want, err := exec.Command(bin, "convert", "--to", "json", htnDemo).Output()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.json")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("header\n"); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "convert", "--to", "json", "-o", "/dev/stdout", htnDemo)
	cmd.Stdout = f
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	if got := mustRead(t, out); !bytes.Equal(got, append([]byte("header\n"), want...)) {
		t.Errorf("the file holds %d bytes, want the header and the %d bytes of stdout", len(got), len(want))
	}
	leftovers(t, dir)
}

// readFIFO makes a FIFO in dir (skipping the test where the system has none) and reads it
// to the end in a goroutine, as a shell's "cat pipe" would; read waits for that reader
// and gives what it read.
func readFIFO(t *testing.T, dir string) (fifo string, read func() []byte) {
	t.Helper()
	fifo = filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	var got []byte
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f, err := os.Open(fifo)
		if err != nil {
			return
		}
		got, _ = io.ReadAll(f)
		f.Close()
	}()
	return fifo, func() []byte { wg.Wait(); return got }
}
