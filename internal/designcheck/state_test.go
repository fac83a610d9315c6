package designcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"testing"
)

// TestNoMutablePackageState checks the design's "no package-level mutable
// state, no init()": in every package of the module (test files aside),
// no function is called init, and no package-level variable is written
// after its declaration (assigned, incremented, an element or field
// assigned, deleted from or cleared). Package-level variables are then
// constants in all but name: sentinel errors, compiled regexps, embedded
// files and lookup tables.
func TestNoMutablePackageState(t *testing.T) {
	for _, p := range list(t) {
		fset := token.NewFileSet()
		var files []*ast.File
		pkgVars := map[string]bool{}
		top := map[*ast.ValueSpec]bool{}
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil && d.Name.Name == "init" {
						t.Errorf("%s: func init: build what it sets up explicitly (no init() in this module)", fset.Position(d.Pos()))
					}
				case *ast.GenDecl:
					if d.Tok != token.VAR {
						continue
					}
					for _, s := range d.Specs {
						top[s.(*ast.ValueSpec)] = true
						for _, n := range s.(*ast.ValueSpec).Names {
							pkgVars[n.Name] = true
						}
					}
				}
			}
		}
		if len(pkgVars) == 0 {
			continue
		}
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				var targets []ast.Expr
				switch n := n.(type) {
				case *ast.AssignStmt:
					if n.Tok == token.DEFINE {
						return true
					}
					targets = n.Lhs
				case *ast.IncDecStmt:
					targets = []ast.Expr{n.X}
				case *ast.CallExpr:
					if id, ok := n.Fun.(*ast.Ident); ok && (id.Name == "delete" || id.Name == "clear") && id.Obj == nil && len(n.Args) > 0 {
						targets = n.Args[:1]
					}
				}
				for _, e := range targets {
					if id := target(e); id != nil && id.Name != "_" && pkgVars[id.Name] && packageLevel(id, top) {
						t.Errorf("%s: package-level variable %s is written: keep state in a value the caller owns", fset.Position(id.Pos()), id.Name)
					}
				}
				return true
			})
		}
	}
}

// target is the variable an assignment target writes into: x in x, x[i],
// x.f, *x, (x).
func target(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.IndexExpr:
			e = x.X
		case *ast.SelectorExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// packageLevel reports whether id refers to a package-level declaration:
// the parser resolves local names to their declaration within the file
// and leaves names declared at package level in another file unresolved.
func packageLevel(id *ast.Ident, top map[*ast.ValueSpec]bool) bool {
	if id.Obj == nil {
		return true
	}
	vs, ok := id.Obj.Decl.(*ast.ValueSpec)
	return ok && id.Obj.Kind == ast.Var && top[vs]
}
