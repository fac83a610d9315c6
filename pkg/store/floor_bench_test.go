package store

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkSQLiteFloor measures the cheapest way this driver can write a
// row: a bare table with one random text unique key (like a service's
// address or an observation's fingerprint), cols columns of short text
// and integers, multi-row INSERTs of 64 rows, 2,000 rows a transaction,
// the store's pragmas. Put writes two rows a banner (an observation of 15
// columns and a service of 26), so the sum of those two sub-benchmarks is
// the floor of the single writer per banner (docs/performance.md). The
// keys come in random order, as an import's addresses and fingerprints
// do, or sorted (keys=sorted): what a bulk load that sorts its rows first
// would pay.
//
//	go test ./pkg/store -run '^$' -bench BenchmarkSQLiteFloor -benchtime 200000x
func BenchmarkSQLiteFloor(b *testing.B) {
	for _, cols := range []int{4, 15, 26} {
		for _, sorted := range []bool{false, true} {
			name := fmt.Sprintf("cols=%d", cols)
			if sorted {
				name += "/keys=sorted"
			}
			b.Run(name, func(b *testing.B) { sqliteFloor(b, cols, sorted) })
		}
	}
}

func sqliteFloor(b *testing.B, cols int, sorted bool) {
	db, err := sql.Open("sqlite", dsn(filepath.Join(b.TempDir(), "floor.db"), time.Second, false, false))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	names := make([]string, cols)
	for i := range names {
		names[i] = fmt.Sprintf("c%d", i)
	}
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, ` + strings.Join(names, ", ") + `, UNIQUE (c0))`); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	rows := make([][]any, b.N)
	for i := range rows {
		v := make([]any, cols)
		v[0] = fmt.Sprintf("%08x%08x", r.Uint32(), i)
		for c := 1; c < cols; c++ {
			if c%5 == 0 {
				v[c] = int64(r.IntN(1000))
			} else {
				v[c] = fmt.Sprintf("value-%d-%d", c, r.IntN(50))
			}
		}
		rows[i] = v
	}
	if sorted {
		slices.SortFunc(rows, func(x, y []any) int { return strings.Compare(x[0].(string), y[0].(string)) })
	}
	const chunk, batch = 64, 2000
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	insert := func(n int) string {
		return `INSERT INTO t (` + strings.Join(names, ", ") + `) VALUES ` + strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
	}
	b.ResetTimer()
	args := make([]any, 0, chunk*cols)
	for lo := 0; lo < b.N; lo += batch {
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		full, err := tx.Prepare(insert(chunk))
		if err != nil {
			b.Fatal(err)
		}
		for c := lo; c < min(lo+batch, b.N); c += chunk {
			args = args[:0]
			for _, row := range rows[c:min(c+chunk, lo+batch, b.N)] {
				args = append(args, row...)
			}
			if n := len(args) / cols; n == chunk {
				_, err = full.Exec(args...)
			} else {
				_, err = tx.Exec(insert(n), args...)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		full.Close()
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
