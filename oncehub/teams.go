package oncehub

import "context"

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

// TeamsService handles teams (/teams).
type TeamsService service

// TeamListOptions narrows GET /teams.
type TeamListOptions struct {
	ListOptions
	User string `url:"user,omitempty"` // USR-…: only the teams this user belongs to
}

// Validate checks the options without sending anything.
func (o TeamListOptions) Validate() error {
	if err := o.ListOptions.Validate(); err != nil {
		return err
	}
	return checkOptionalID("user", PrefixUser, o.User)
}

func teamID(t Team) string { return t.ID }

// List returns one page of teams.
func (s *TeamsService) List(ctx context.Context, opts *TeamListOptions) ([]Team, *Response, error) {
	o := orZero(opts)
	if err := o.Validate(); err != nil {
		return nil, nil, err
	}
	return s.list(ctx, o)
}

func (s *TeamsService) list(ctx context.Context, o TeamListOptions) ([]Team, *Response, error) {
	return list(ctx, s.client, "/teams", o, o.ListOptions, teamID)
}

// ListAll walks the teams matching opts (see Pager).
func (s *TeamsService) ListAll(ctx context.Context, opts *TeamListOptions) *Pager[Team] {
	o := orZero(opts)
	return newPager(ctx, o.Validate(), o.ListOptions, func(ctx context.Context, page ListOptions) ([]Team, *Response, error) {
		o.ListOptions = page
		return s.list(ctx, o)
	}, teamID)
}

// Get fetches one team.
func (s *TeamsService) Get(ctx context.Context, id string) (Team, *Response, error) {
	return get[Team](ctx, s.client, "/teams/{id}", PrefixTeam, id)
}
