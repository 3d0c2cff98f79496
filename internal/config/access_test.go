package config

import (
	"reflect"
	"testing"

	"github.com/x84bbs/x84/access"
)

func TestAccess(t *testing.T) {
	const file = `[board]
areas = ["general", "elite", "staff"]

[access]
new_level = 0
validation = true

[access.areas.elite]
level = 50

[access.areas]
staff = { level = 20, group = "staff" }

[[files.area]]
name = "Warez"
level = 100
group = "elite"

[[door]]
name = "lord"
key = "l"
command = "lord"
level = 20
group = "players"
`
	c, err := Parse("f", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	want := Access{NewLevel: 0, Validation: true, Areas: map[string]*Need{
		"elite": {Level: 50},
		"staff": {Level: 20, Group: "staff"},
	}}
	if !reflect.DeepEqual(c.Access, want) {
		t.Errorf("Parse access = %+v; want %+v", c.Access, want)
	}
	if a := c.Files.Areas[0]; a.Level != 100 || a.Group != "elite" {
		t.Errorf("Parse file area = %+v; want level 100, group elite", a)
	}
	if d := c.Doors[0]; d.Level != 20 || d.Group != "players" {
		t.Errorf("Parse door = %+v; want level 20, group players", d)
	}
	if d := Default().Access; d.NewLevel != 10 || d.Validation || d.Areas != nil {
		t.Errorf("Default().Access = %+v; want level 10, no validation, no areas", d)
	}
}

func TestAccessErrors(t *testing.T) {
	const door = "[[door]]\nname = \"lord\"\nkey = \"l\"\ncommand = \"lord\"\n"
	tests := []struct{ name, file, want string }{
		{"new level too high", "[access]\nnew_level = 300\n",
			"config: f:2: access.new_level: must be between 0 and 255 (got 300)"},
		{"new level negative", "[access]\nnew_level = -1\n",
			"config: f:2: access.new_level: must be between 0 and 255 (got -1)"},
		{"validation not a boolean", "[access]\nvalidation = \"yes\"\n",
			"config: f:2: access.validation: must be true or false (got string \"yes\")"},
		{"unknown key", "[access]\nnew_levl = 3\n",
			"config: f:2: access.new_levl: unknown key"},
		{"area level", "[access.areas.x84]\nlevel = 300\n",
			"config: f:2: access.areas.x84.level: must be between 0 and 255 (got 300)"},
		{"area group", "[access.areas.x84]\ngroup = \"Staff\"\n",
			"config: f:2: access.areas.x84.group: \"Staff\" is not a group name: 1 to 32 lower-case letters, digits, '-' and '_', starting with a letter"},
		{"area unknown key", "[access.areas.x84]\nlevl = 3\n",
			"config: f:2: access.areas.x84.levl: unknown key"},
		{"area not a table", "[access]\nareas = 5\n",
			"config: f:2: access.areas: must be a table (got integer 5)"},
		{"area value not a table", "[access.areas]\nx84 = 5\n",
			"config: f:2: access.areas.x84: must be a table (got integer 5)"},
		{"unknown area", "[board]\nareas = [\"general\"]\n\n[access.areas.genral]\nlevel = 5\n",
			"config: f:4: access.areas.genral: no message area \"genral\" in [board] areas ([general])"},
		{"door level", door + "level = 256\n",
			"config: f:5: door[1].level: must be between 0 and 255 (got 256)"},
		{"door group", door + "group = \"a b\"\n",
			"config: f:5: door[1].group: \"a b\" is not a group name: 1 to 32 lower-case letters, digits, '-' and '_', starting with a letter"},
		{"file area level", "[[files.area]]\nname = \"A\"\nlevel = -5\n",
			"config: f:3: files.area[1].level: must be between 0 and 255 (got -5)"},
		{"file area group", "[[files.area]]\nname = \"A\"\ngroup = \"sysop!\"\n",
			"config: f:3: files.area[1].group: \"sysop!\" is not a group name: 1 to 32 lower-case letters, digits, '-' and '_', starting with a letter"},
		{"file area group sysop", "[[files.area]]\nname = \"A\"\ngroup = \"sysop\"\n",
			"config: f:3: files.area[1].group: \"sysop\" cannot be required: sysops meet every level and group already (a door or file area has sysop_only = true)"},
		{"door group unvalidated", door + "group = \"unvalidated\"\n",
			"config: f:5: door[1].group: \"unvalidated\" cannot be required: locked and unvalidated accounts count as in no group; require a level or another group"},
		{"area group locked", "[access.areas.x84]\ngroup = \"locked\"\n",
			"config: f:2: access.areas.x84.group: \"locked\" cannot be required: locked and unvalidated accounts count as in no group; require a level or another group"},
		{"two areas, one folder, two needs", "[[files.area]]\nname = \"Pub\"\ndir = \"pub\"\n\n[[files.area]]\nname = \"Elite\"\ndir = \"pub\"\nlevel = 50\n",
			"config: f:7: files.area[2].dir: file areas \"Pub\" and \"Elite\" share the folder \"pub\" but not their level, group and sysop_only: whoever may see one would see the other's files (over sftp too); give them the same or separate folders"},
		{"two areas, one folder, sysop only", "[[files.area]]\nname = \"Pub\"\ndir = \"pub/\"\n\n[[files.area]]\nname = \"Staff\"\ndir = \"pub\"\nsysop_only = true\n",
			"config: f:7: files.area[2].dir: file areas \"Pub\" and \"Staff\" share the folder \"pub\" but not their level, group and sysop_only: whoever may see one would see the other's files (over sftp too); give them the same or separate folders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f", []byte(tt.file))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Parse error\n got %v\nwant %s", err, tt.want)
			}
		})
	}
}

// TestGroupNameAsAccess keeps groupName, which this package needs without
// importing access, in step with access.CheckGroup.
func TestGroupNameAsAccess(t *testing.T) {
	for _, name := range []string{"staff", "co-sysop_2", "a", "Staff", "2staff", "-x", "st aff", "é",
		"abcdefghijklmnopqrstuvwxyzabcdef", "abcdefghijklmnopqrstuvwxyzabcdefg", "x!"} {
		got := groupName("group", name) == nil
		want := access.CheckGroup(name) == nil
		if got != want {
			t.Errorf("groupName(%q) ok = %v; access.CheckGroup ok = %v", name, got, want)
		}
	}
	for _, name := range []string{"sysop", "locked", "unvalidated", "sysops", "staff"} {
		got := Need{Group: name}.check() == nil
		want := access.Need{Group: name}.Check() == nil
		if got != want {
			t.Errorf("Need{Group: %q}.check() ok = %v; access.Need.Check ok = %v", name, got, want)
		}
	}
}
