// Package jsonscan is the one place where orchex reads JSON by hand. It
// sits under the decoding stages of the data flow (source/shodan,
// source/censys, importer, cloud), which use it instead of walkers of
// their own:
//
//   - [Schema] decodes the members a table declares out of one JSON
//     object in a single validating pass, with encoding/json's rules for
//     each member's Go type (the Shodan banner decoder: one table row a
//     field, see package source/shodan);
//   - [Members], [End], [First], [WS] walk JSON that is already known to
//     be valid, or only sniff its shape without decoding it (Censys
//     header maps, certificate names, the importer's format detection);
//   - [Str], [Strs], [Num], [Count] are the decoders' lenient values:
//     engine fields of an unexpected JSON type are left empty, never an
//     error, and strings are capped ([Clip]);
//   - [Stream] walks a document too large to hold, token by token (the
//     cloud range feeds), placing errors by byte offset ([PosError]).
//
// Engine JSON is hostile: nothing here trusts lengths, nesting or
// encodings; nesting is limited as encoding/json limits it and deep
// nesting costs no Go stack.
package jsonscan
