package quality

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"

	"gopkg.in/yaml.v3"
)

// schemaOMap is an ordered mapping, so serialized schemas keep the order
// of their columns and checks in YAML and JSON alike.
type schemaOMap []schemaKV

type schemaKV struct {
	k string
	v any
}

func (m schemaOMap) get(k string) (any, bool) {
	for _, kv := range m {
		if kv.k == k {
			return kv.v, true
		}
	}
	return nil, false
}

// schemaYAMLNode converts a value (nil, bool, int64, float64, string,
// []any, schemaOMap) to a YAML node.
func schemaYAMLNode(v any) *yaml.Node {
	scalar := func(tag, val string) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: val}
	}
	switch x := v.(type) {
	case nil:
		return scalar("!!null", "null")
	case bool:
		return scalar("!!bool", strconv.FormatBool(x))
	case int64:
		return scalar("!!int", strconv.FormatInt(x, 10))
	case float64:
		switch {
		case math.IsNaN(x):
			return scalar("!!float", ".nan")
		case math.IsInf(x, 1):
			return scalar("!!float", ".inf")
		case math.IsInf(x, -1):
			return scalar("!!float", "-.inf")
		}
		return scalar("!!float", checkPyFloat(x))
	case string:
		return scalar("!!str", x)
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, e := range x {
			en := schemaYAMLNode(e)
			if en.Kind != yaml.ScalarNode {
				n.Style = 0
			}
			n.Content = append(n.Content, en)
		}
		return n
	case schemaOMap:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, kv := range x {
			n.Content = append(n.Content, scalar("!!str", kv.k), schemaYAMLNode(kv.v))
		}
		return n
	}
	return scalar("!!str", fmt.Sprint(v))
}

func schemaEncodeYAML(doc schemaOMap) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(schemaYAMLNode(doc)); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func schemaDecodeYAML(data []byte) (any, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, err
	}
	if n.Kind == 0 {
		return nil, nil
	}
	return schemaFromYAMLNode(&n)
}

func schemaFromYAMLNode(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return schemaFromYAMLNode(n.Content[0])
	case yaml.AliasNode:
		return schemaFromYAMLNode(n.Alias)
	case yaml.MappingNode:
		m := schemaOMap{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := schemaFromYAMLNode(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m = append(m, schemaKV{n.Content[i].Value, v})
		}
		return m, nil
	case yaml.SequenceNode:
		out := []any{}
		for _, c := range n.Content {
			v, err := schemaFromYAMLNode(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, err
	}
	if i, ok := v.(int); ok {
		return int64(i), nil
	}
	return v, nil
}

// schemaEncodeJSON writes a value as indented JSON, keeping mapping order
// and writing integral floats with ".0" so they read back as floats.
func schemaEncodeJSON(doc schemaOMap) ([]byte, error) {
	var buf bytes.Buffer
	if err := schemaWriteJSON(&buf, doc); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, buf.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func schemaWriteJSON(w *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		w.WriteString("null")
	case bool:
		w.WriteString(strconv.FormatBool(x))
	case int64:
		w.WriteString(strconv.FormatInt(x, 10))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("quality: %v cannot be written as JSON", x)
		}
		w.WriteString(checkPyFloat(x))
	case string:
		b, _ := json.Marshal(x)
		w.Write(b)
	case []any:
		w.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				w.WriteByte(',')
			}
			if err := schemaWriteJSON(w, e); err != nil {
				return err
			}
		}
		w.WriteByte(']')
	case schemaOMap:
		w.WriteByte('{')
		for i, kv := range x {
			if i > 0 {
				w.WriteByte(',')
			}
			b, _ := json.Marshal(kv.k)
			w.Write(b)
			w.WriteByte(':')
			if err := schemaWriteJSON(w, kv.v); err != nil {
				return err
			}
		}
		w.WriteByte('}')
	default:
		return fmt.Errorf("quality: cannot write %T as JSON", v)
	}
	return nil
}

func schemaDecodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := schemaReadJSON(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("quality: trailing data after JSON schema")
	}
	return v, nil
}

func schemaReadJSON(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := schemaOMap{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := schemaReadJSON(dec)
				if err != nil {
					return nil, err
				}
				m = append(m, schemaKV{kt.(string), v})
			}
			_, err := dec.Token()
			return m, err
		case '[':
			out := []any{}
			for dec.More() {
				v, err := schemaReadJSON(dec)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			}
			_, err := dec.Token()
			return out, err
		}
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i, nil
		}
		return t.Float64()
	}
	return tok, nil
}
