package quality

import "testing"

func TestTranslateRegex(t *testing.T) {
	for _, c := range []struct{ py, match, noMatch string }{
		{`^\d+$`, "١٢٣", "12a"},       // Python 3's \d is Unicode
		{`^\w+$`, "naïve_1", "a-b"},   // and \w
		{`abc$`, "xabc\n", "abc\nx"},  // $ matches before a final newline
		{`abc\Z`, "abc", "abc\n"},     // \Z is the very end
		{`^a{,2}b$`, "aab", "aaab"},   // {,n} is {0,n}
		{`^[\d-]+$`, "1-٢", "1_2"},    // classes too
		{`^\u00e9$`, "é", "e"},        // \uXXXX escapes
		{`(?m)^b$`, "a\nb\nc", "abc"}, // multiline keeps Go's $
		{`^[]a]+$`, "]a]", "b"},       // ] first in a class is literal
		{`^\s$`, "\u00a0", "x"},       // Unicode spaces
	} {
		re, err := gxCompileRegex(c.py)
		if err != nil {
			t.Errorf("%q: %v", c.py, err)
			continue
		}
		if !re.MatchString(c.match) || re.MatchString(c.noMatch) {
			t.Errorf("%q (Go %q): match %q = %v, %q = %v", c.py, re, c.match, re.MatchString(c.match), c.noMatch, re.MatchString(c.noMatch))
		}
	}
}
