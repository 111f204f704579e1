package tools

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type noArgs struct{}

type testKeyOutput struct {
	Valid   bool   `json:"valid"`
	Account string `json:"account,omitempty" jsonschema:"the account's email"`
	Message string `json:"message"`
	Demo    bool   `json:"demo,omitempty" jsonschema:"the demo sandbox: no real OnceHub account is used"`
}

// meOutput is who the API key belongs to.
type meOutput struct {
	UserID   string   `json:"user_id"`
	Name     string   `json:"name"`
	Email    string   `json:"email"`
	TimeZone string   `json:"timezone,omitempty"`
	Role     string   `json:"role,omitempty"`
	Status   string   `json:"status,omitempty"`
	Teams    []string `json:"teams,omitempty"`
}

func accountTools(d Deps) []Tool {
	return []Tool{
		define(spec{
			name: "test_api_key", toolset: toolsetAccount, effect: read,
			desc: "Check the configured API key and return the account's email. Use it when tools fail with authentication errors.",
		}, func(ctx context.Context, _ noArgs) (testKeyOutput, error) {
			res, _, err := d.Client.TestAPIKey(ctx)
			if err != nil {
				return testKeyOutput{}, err
			}
			out := testKeyOutput{Valid: true, Account: res.AccountEmail(), Message: res.Message, Demo: d.Demo}
			if d.Demo {
				out.Message += " (demo sandbox: no real OnceHub account is used)"
			}
			return out, nil
		}),
		define(spec{
			name: "get_me", toolset: toolsetAccount, effect: read,
			desc: "Who the API key belongs to: user_id, name, email, timezone and role of the account's user. Call it first " +
				"when the person says \"my\" (my meetings, my hours): use user_id as owner or user_id, and timezone for times.",
		}, func(ctx context.Context, _ noArgs) (meOutput, error) {
			return d.me(ctx)
		}),
	}
}

// me is the user the API key belongs to, from OnceHub's key check and the
// user with the account's email; kept per key for ownerTTL.
func (d Deps) me(ctx context.Context) (meOutput, error) {
	key, _ := oncehub.APIKeyFrom(ctx)
	if me, ok := d.owners.get(key, d.now()); ok {
		return me, nil
	}
	res, _, err := d.Client.TestAPIKey(ctx)
	if err != nil {
		return meOutput{}, err
	}
	email := res.AccountEmail()
	if email == "" {
		return meOutput{}, fmt.Errorf("OnceHub did not say which account the API key belongs to (it answered %q); use list_users to find the person", res.Message)
	}
	users, _, err := d.Client.Users.List(ctx, &oncehub.UserListOptions{Email: email})
	if err != nil {
		return meOutput{}, err
	}
	for _, u := range users {
		if strings.EqualFold(u.Email, email) {
			me := meOutput{UserID: u.ID, Name: strings.TrimSpace(u.FirstName + " " + u.LastName), Email: u.Email,
				TimeZone: u.Timezone, Role: u.RoleName, Status: u.Status, Teams: u.Teams}
			d.owners.put(key, me, d.now())
			return me, nil
		}
	}
	return meOutput{}, fmt.Errorf("the API key belongs to the OnceHub account %s, but no user of the account has that email, "+
		"so there is no user ID to act as; ask the person who they are in OnceHub, then find them with list_users", email)
}

// ownerTTL is how long who-a-key-belongs-to is kept: long enough to spare
// a conversation's repeated lookups, short enough to follow a change.
const ownerTTL = 5 * time.Minute

// maxOwners bounds the cache (one entry per API key seen).
const maxOwners = 1024

// ownerCache keeps meOutput per API key (by its SHA-256: the key itself is
// never kept). The zero value is not usable; All makes one per server.
type ownerCache struct {
	mu      sync.Mutex
	entries map[[32]byte]ownerEntry
}

type ownerEntry struct {
	me meOutput
	at time.Time
}

func newOwnerCache() *ownerCache { return &ownerCache{entries: map[[32]byte]ownerEntry{}} }

func (c *ownerCache) get(key string, now time.Time) (meOutput, bool) {
	if c == nil || key == "" {
		return meOutput{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[sha256.Sum256([]byte(key))]
	if !ok || now.Sub(e.at) > ownerTTL || now.Before(e.at) {
		return meOutput{}, false
	}
	return e.me, true
}

func (c *ownerCache) put(key string, me meOutput, now time.Time) {
	if c == nil || key == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxOwners {
		for k, e := range c.entries { // drop the expired, or else any one
			if now.Sub(e.at) > ownerTTL {
				delete(c.entries, k)
			}
		}
		for k := range c.entries {
			if len(c.entries) < maxOwners {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[sha256.Sum256([]byte(key))] = ownerEntry{me: me, at: now}
}
