package example;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

/** A row the application's repository writes, from inside tasks. */
@Entity
public class Booking {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  Long id;

  @Column(unique = true)
  String code;

  public Booking() {}

  Booking(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
