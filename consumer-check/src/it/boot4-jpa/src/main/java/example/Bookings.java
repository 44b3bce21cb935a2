package example;

import org.springframework.data.jpa.repository.JpaRepository;

/** The application's Spring Data repository. */
public interface Bookings extends JpaRepository<Booking, Long> {}
