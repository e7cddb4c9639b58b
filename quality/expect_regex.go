package quality

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// gxCompileRegex compiles a Python re pattern for Go with the semantics
// pandas' str.contains gives it (re.search: a match anywhere). Go's RE2
// lacks back-references and look-around; such patterns are rejected here
// rather than silently answered wrong. Python-specific meanings are
// translated: \d, \w, \s match Unicode as in Python 3; $ also matches
// before a final newline; \Z is end of text.
func gxCompileRegex(pattern string) (*regexp.Regexp, error) {
	if err := gxUnsupportedRegex(pattern); err != nil {
		return nil, fmt.Errorf("regex %q cannot run in Go: %w", pattern, err)
	}
	re, err := regexp.Compile(gxTranslateRegex(pattern))
	if err != nil {
		return nil, fmt.Errorf("regex %q cannot run in Go: %w", pattern, err)
	}
	return re, nil
}

// gxUnsupportedRegex finds constructs RE2 cannot run.
func gxUnsupportedRegex(p string) error {
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			n := p[i+1]
			if !inClass && n >= '1' && n <= '9' {
				return fmt.Errorf("back-reference \\%c is not supported", n)
			}
			if n == 'g' && i+2 < len(p) && p[i+2] == '<' {
				return fmt.Errorf("back-reference \\g<...> is not supported")
			}
			i++
		case c == '[' && !inClass:
			inClass = true
			if i+1 < len(p) && p[i+1] == '^' {
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				i++
			}
		case c == ']' && inClass:
			inClass = false
		case c == '(' && !inClass && strings.HasPrefix(p[i:], "(?"):
			rest := p[i+2:]
			switch {
			case strings.HasPrefix(rest, "="), strings.HasPrefix(rest, "!"):
				return fmt.Errorf("look-ahead (?%c...) is not supported", rest[0])
			case strings.HasPrefix(rest, "<="), strings.HasPrefix(rest, "<!"):
				return fmt.Errorf("look-behind (?%s...) is not supported", rest[:2])
			case strings.HasPrefix(rest, "P="):
				return fmt.Errorf("named back-reference (?P=...) is not supported")
			case strings.HasPrefix(rest, "("):
				return fmt.Errorf("conditional group (?(...)...) is not supported")
			case strings.HasPrefix(rest, ">"):
				return fmt.Errorf("atomic group (?>...) is not supported")
			case strings.HasPrefix(rest, "#"):
				return fmt.Errorf("comment group (?#...) is not supported")
			}
		case (c == '+' || c == '*' || c == '?' || c == '}') && !inClass && i+1 < len(p) && p[i+1] == '+':
			return fmt.Errorf("possessive quantifier %c+ is not supported", c)
		}
	}
	return nil
}

// gxTranslateRegex rewrites Python-only meanings into RE2 syntax.
func gxTranslateRegex(p string) string {
	multiline := regexp.MustCompile(`^\(\?[a-zA-Z]*m[a-zA-Z]*\)`).MatchString(p)
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '\\' && i+1 < len(p) {
			n := p[i+1]
			i++
			switch n {
			case 'd':
				b.WriteString(`\p{Nd}`)
			case 'w':
				if inClass {
					b.WriteString(`\p{L}\p{N}_`)
				} else {
					b.WriteString(`[\p{L}\p{N}_]`)
				}
			case 's':
				if inClass {
					b.WriteString(`\s\v\p{Z}\x1c-\x1f\x85`)
				} else {
					b.WriteString(`[\s\v\p{Z}\x1c-\x1f\x85]`)
				}
			case 'D':
				b.WriteString(`\P{Nd}`)
			case 'W':
				if inClass {
					b.WriteString(`\W`)
				} else {
					b.WriteString(`[^\p{L}\p{N}_]`)
				}
			case 'S':
				if inClass {
					b.WriteString(`\S`)
				} else {
					b.WriteString(`[^\s\v\p{Z}\x1c-\x1f\x85]`)
				}
			case 'Z':
				b.WriteString(`\z`)
			case 'u', 'U':
				// Python's \uXXXX and \UXXXXXXXX are Go's \x{...}.
				w := 4
				if n == 'U' {
					w = 8
				}
				if i+w <= len(p)-1 {
					b.WriteString(`\x{` + p[i+1:i+1+w] + `}`)
					i += w
				} else {
					b.WriteString(`\u`)
				}
			default:
				b.WriteByte('\\')
				b.WriteByte(n)
			}
			continue
		}
		switch {
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				b.WriteString(`\]`)
				i++
			}
			continue
		case c == ']' && inClass:
			inClass = false
		case c == '$' && !inClass && !multiline:
			b.WriteString(`(?:\n?\z)`)
			continue
		case c == '{' && !inClass && i+1 < len(p) && p[i+1] == ',':
			b.WriteString("{0") // Python's {,n} is {0,n}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// gxStringer renders a column's non-missing values as pandas'
// astype(str) does, calling f with each; text columns pass through.
func gxEachAsString(col *Column, f func(row int64, s string)) error {
	switch col.Family() {
	case FamilyString:
		return col.EachString(f)
	case FamilyNumeric:
		if gxIsFloatType(col) {
			return gxEachNumber(col, func(row int64, v float64) { f(row, gxPyFloat(v)) })
		}
		if col.Type.ID() == arrow.INT64 {
			gxEachInt64(col, func(row int64, v int64) { f(row, strconv.FormatInt(v, 10)) })
			return nil
		}
		return col.EachFloat(func(row int64, v float64) { f(row, strconv.FormatFloat(v, 'f', -1, 64)) })
	case FamilyTime:
		return col.EachTime(func(row int64, us int64) { f(row, FormatMicros(us)) })
	case FamilyBool:
		gxEachBool(col, func(row int64, v bool) {
			if v {
				f(row, "True")
			} else {
				f(row, "False")
			}
		})
		return nil
	}
	return fmt.Errorf("cannot match column %s of type %s against a regex", col.Name, col.Type)
}

// gxPyFloat formats a float as Python's repr (and numpy's str) does.
func gxPyFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(v, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

func gxIsFloatType(col *Column) bool {
	switch col.Type.ID() {
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		return true
	}
	return false
}

// gxBuildRegex builds expect_column_values_to_match_regex (unexpected:
// values the regex is not found in) or, with not, _to_not_match_regex.
func gxBuildRegex(not bool) gxBuilder {
	return func(a *gxArgs) (gxImpl, error) {
		m, err := gxColumnArgs(a)
		if err != nil {
			return nil, err
		}
		p, err := a.str("regex", true)
		if err != nil {
			return nil, err
		}
		re, err := gxCompileRegex(p)
		if err != nil {
			return nil, err
		}
		m.find = func(col *Column) (*RowSet, error) {
			rs := NewRowSet(col.Len())
			match := gxMemo(re.MatchString)
			return rs, gxEachAsString(col, func(row int64, s string) {
				if match(s) == not {
					rs.Add(row)
				}
			})
		}
		return m, nil
	}
}

// gxMemo remembers a string predicate's answers for the first values it
// sees: columns with few distinct values (codes, flags, categories) then
// run the regex once per value instead of once per row.
func gxMemo(f func(string) bool) func(string) bool {
	const limit = 1 << 12
	memo := make(map[string]bool, 64)
	return func(s string) bool {
		if v, ok := memo[s]; ok {
			return v
		}
		v := f(s)
		if len(memo) < limit {
			memo[s] = v
		}
		return v
	}
}

// gxBuildRegexList builds expect_column_values_to_match_regex_list
// (match_on "any" or "all") or, with not, _to_not_match_regex_list
// (unexpected: values any regex is found in).
func gxBuildRegexList(not bool) gxBuilder {
	return func(a *gxArgs) (gxImpl, error) {
		m, err := gxColumnArgs(a)
		if err != nil {
			return nil, err
		}
		ps, err := a.strList("regex_list", true)
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return nil, fmt.Errorf("regex_list must not be empty")
		}
		all := false
		if !not {
			on, err := a.str("match_on", false)
			if err != nil {
				return nil, err
			}
			switch on {
			case "", "any":
			case "all":
				all = true
			default:
				return nil, fmt.Errorf("match_on must be \"any\" or \"all\", got %q", on)
			}
		}
		res := make([]*regexp.Regexp, len(ps))
		for i, p := range ps {
			if res[i], err = gxCompileRegex(p); err != nil {
				return nil, err
			}
		}
		m.find = func(col *Column) (*RowSet, error) {
			rs := NewRowSet(col.Len())
			unexpected := gxMemo(func(s string) bool {
				any, every := false, true
				for _, re := range res {
					if re.MatchString(s) {
						any = true
					} else {
						every = false
					}
				}
				return not && any || !not && all && !every || !not && !all && !any
			})
			return rs, gxEachAsString(col, func(row int64, s string) {
				if unexpected(s) {
					rs.Add(row)
				}
			})
		}
		return m, nil
	}
}
