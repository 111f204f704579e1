package oncehub

import (
	"context"
	"net/url"
)

// User is a member of the OnceHub account.
type User struct {
	Object    string   `json:"object,omitempty"`
	ID        string   `json:"id"`
	FirstName string   `json:"first_name,omitempty"`
	LastName  string   `json:"last_name,omitempty"`
	Email     string   `json:"email,omitempty"`
	Status    string   `json:"status,omitempty"`    // active | invited
	RoleName  string   `json:"role_name,omitempty"` // Account Owner | Administrator | Member | Team Manager
	Timezone  string   `json:"timezone,omitempty"`
	Teams     []string `json:"teams,omitempty"`
	Deleted   bool     `json:"deleted,omitempty"`
	Extra     Extra    `json:"-"`
}

// UnmarshalJSON keeps unknown fields in Extra.
func (u *User) UnmarshalJSON(data []byte) error {
	type plain User
	return decodeObject(data, (*plain)(u), &u.Extra)
}

// MarshalJSON writes known and unknown fields.
func (u User) MarshalJSON() ([]byte, error) {
	type plain User
	return encodeObject(plain(u), u.Extra)
}

// UserFilter narrows GET /users.
type UserFilter struct {
	ListParams
	Email string
}

// ListUsers returns one page of users.
func (c *Client) ListUsers(ctx context.Context, f UserFilter) (Page[User], error) {
	q := url.Values{}
	setIf(q, "email", f.Email)
	return list(ctx, c, "/users", "/users", q, f.ListParams, func(u User) string { return u.ID })
}

// GetUser fetches one user.
func (c *Client) GetUser(ctx context.Context, id string) (User, error) {
	return get[User](ctx, c, "/users", "user_id", PrefixUser, id, nil)
}
