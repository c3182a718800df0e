package odmtest_test

import (
	"fmt"
	"os"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }
