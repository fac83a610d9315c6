package jsonscan

// WS returns the index of the first byte of b at or after i that is not
// JSON white space.
func WS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// End returns the index after the JSON value that starts at b[i], or -1
// when there is no complete value there. It does not validate: strings
// end at their closing quote, containers at their matching bracket
// (tracked with a counter, so deep nesting costs no stack) and scalars at
// the next delimiter; use it on JSON already validated, or to sniff a
// shape.
func End(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				if j = stringEnd(b, j); j < 0 {
					return -1
				}
				j--
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			if j == i {
				return -1
			}
			return j
		}
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// stringEnd returns the index after the string starting at b[i] == '"',
// or -1 when it is not terminated.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// Members calls fn with each member of the JSON object b, in order, until
// fn returns false: key is the member's name as written, quotes included
// (Unquote decodes it), val its raw value. Neither is copied. Members
// reports false when b is not a well-formed object (white space around it
// allowed), true when fn stopped early. Like End it does not validate
// values.
func Members(b []byte, fn func(key, val []byte) bool) bool {
	i := WS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = WS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return true
	}
	for i < len(b) {
		if b[i] != '"' {
			return false
		}
		kend := stringEnd(b, i)
		if kend < 0 {
			return false
		}
		key := b[i:kend]
		i = WS(b, kend)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = WS(b, i+1)
		vend := End(b, i)
		if vend < 0 {
			return false
		}
		if !fn(key, b[i:vend]) {
			return true
		}
		i = WS(b, vend)
		if i >= len(b) {
			return false
		}
		if b[i] == '}' {
			return true
		}
		if b[i] != ',' {
			return false
		}
		i = WS(b, i+1)
	}
	return false
}

// First returns the first element of the JSON array b (which starts with
// '[').
func First(b []byte) ([]byte, bool) {
	i := WS(b, 1)
	end := End(b, i)
	if end < 0 || end == i {
		return nil, false
	}
	return b[i:end], true
}
