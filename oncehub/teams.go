package oncehub

import (
	"context"
	"net/url"
)

// Team is a group of users.
type Team struct {
	Object string `json:"object,omitempty"`
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Extra  Extra  `json:"-"`
}

// UnmarshalJSON keeps unknown fields in Extra.
func (t *Team) UnmarshalJSON(data []byte) error {
	type plain Team
	return decodeObject(data, (*plain)(t), &t.Extra)
}

// MarshalJSON writes known and unknown fields.
func (t Team) MarshalJSON() ([]byte, error) {
	type plain Team
	return encodeObject(plain(t), t.Extra)
}

// TeamFilter narrows GET /teams.
type TeamFilter struct {
	ListParams
	User string // USR-…: only the teams this user belongs to
}

// Validate checks the filter without sending anything.
func (f TeamFilter) Validate() error {
	if err := f.ListParams.Validate(); err != nil {
		return err
	}
	return checkOptionalID("user", PrefixUser, f.User)
}

// ListTeams returns one page of teams.
func (c *Client) ListTeams(ctx context.Context, f TeamFilter) (Page[Team], error) {
	if err := f.Validate(); err != nil {
		return Page[Team]{}, err
	}
	q := url.Values{}
	setIf(q, "user", f.User)
	return list(ctx, c, "/teams", "/teams", q, f.ListParams, func(t Team) string { return t.ID })
}

// GetTeam fetches one team.
func (c *Client) GetTeam(ctx context.Context, id string) (Team, error) {
	return get[Team](ctx, c, "/teams", "team_id", PrefixTeam, id, nil)
}
