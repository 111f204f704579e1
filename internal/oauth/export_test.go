package oauth

// Records is how many records the store holds (used codes, grants).
func (m *MemoryStore) Records() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.used) + len(m.spent) + len(m.revoked)
}
