package validate

import (
	"testing"

	"github.com/odmadmin/odmadmin/internal/testenv"
)

// TestMain prints one line after the tests when some skipped for a missing xmllint or
// missing reference data, so that a plain "go test ./..." does not skip them silently.
func TestMain(m *testing.M) { testenv.Main(m, "validate") }
